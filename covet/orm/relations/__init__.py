"""Relations between models: on_delete rules, descriptors, related managers and prefetching."""
