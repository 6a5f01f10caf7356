"""An installed app of the served test project; its ready() hook must run before the first request."""
