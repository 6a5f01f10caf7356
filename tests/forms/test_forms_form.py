"""Declarative forms: field collection, validation hooks, errors, and the HTML they render."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest

from covet.exceptions import ValidationError
from covet.forms import (
    BooleanField,
    CharField,
    CheckboxSelectMultiple,
    ChoiceField,
    EmailField,
    FileField,
    Form,
    HiddenInput,
    IntegerField,
    MultipleChoiceField,
    PasswordInput,
    Textarea,
)


class SignupForm(Form):
    username = CharField(max_length=20, help_text="Letters and digits.")
    email = EmailField()
    age = IntegerField(min_value=13, required=False)
    password = CharField(widget=PasswordInput)
    password2 = CharField(widget=PasswordInput, label="Repeat password")
    terms = BooleanField()

    taken = {"admin", "root"}

    async def clean_username(self) -> str:  # async: could ask the database
        name: str = self.cleaned_data["username"].lower()
        if name in self.taken:
            raise ValidationError(f"The username {name!r} is taken.")
        return name

    def clean(self) -> None:
        data = self.cleaned_data
        if data.get("password") and data.get("password") != data.get("password2"):
            raise ValidationError("The two passwords differ.")


VALID = {"username": "Ada", "email": "ada@example.com", "age": "36", "password": "s3cret!", "password2": "s3cret!",
         "terms": "on"}  # fmt: skip


async def test_valid_form_gives_cleaned_data() -> None:
    form = SignupForm(VALID)
    assert await form.is_valid()
    assert form.cleaned_data == {"username": "ada", "email": "ada@example.com", "age": 36, "password": "s3cret!",
                                 "password2": "s3cret!", "terms": True}  # fmt: skip
    assert form.errors == {}


async def test_field_errors_hook_errors_and_non_field_errors() -> None:
    form = SignupForm({**VALID, "username": "ROOT", "email": "nope", "age": "7", "password2": "other", "terms": ""})
    assert not await form.is_valid()
    assert form.errors == {
        "username": ["The username 'root' is taken."],
        "email": ["Enter a valid email address."],
        "age": ["Ensure this value is greater than or equal to 13."],
        "terms": ["This field is required."],
        "__all__": ["The two passwords differ."],
    }
    assert form.non_field_errors() == ["The two passwords differ."]
    assert "username" not in form.cleaned_data and form.cleaned_data["password"] == "s3cret!"


async def test_is_valid_without_await_is_refused() -> None:
    form = SignupForm(VALID)
    with pytest.raises(TypeError, match=r"if await form.is_valid\(\)"):
        bool(form.is_valid())
    with pytest.raises(AttributeError, match=r"only available after `await form.is_valid\(\)`"):
        form.cleaned_data  # noqa: B018
    assert await form.is_valid()  # nothing was lost: the form still validates


async def test_unbound_form_is_not_valid_and_has_no_errors() -> None:
    form = SignupForm()
    assert not form.is_bound
    assert not await form.is_valid()
    assert form.errors == {}


async def test_add_error_with_a_dict_and_unknown_field() -> None:
    class RangeForm(Form):
        low = IntegerField()
        high = IntegerField()

        def clean(self) -> None:
            if self.cleaned_data["low"] > self.cleaned_data["high"]:
                raise ValidationError({"low": ["Must not exceed high."], "high": ["Must not be below low."]})

    form = RangeForm({"low": "5", "high": "1"})
    assert not await form.is_valid()
    assert form.errors == {"low": ["Must not exceed high."], "high": ["Must not be below low."]}
    assert form.cleaned_data == {}
    with pytest.raises(ValueError, match="has no field named 'nope'"):
        form.add_error("nope", "x")


async def test_clean_may_return_new_data_and_be_async() -> None:
    class Upper(Form):
        word = CharField()

        async def clean(self) -> dict[str, Any]:
            return {"word": self.cleaned_data["word"].upper()}

    form = Upper({"word": "hi"})
    assert await form.is_valid()
    assert form.cleaned_data == {"word": "HI"}


async def test_subclass_inherits_and_removes_fields() -> None:
    class Base(Form):
        a = CharField()
        b = CharField()

    class Child(Base):
        b = None  # type: ignore[assignment]
        c = IntegerField()

    assert list(Child.base_fields) == ["a", "c"]
    form = Child({"a": "x", "c": "1"})
    assert await form.is_valid()


async def test_instances_do_not_share_fields() -> None:
    first, second = SignupForm(), SignupForm()
    first.fields["username"].label = "Changed"
    assert second["username"].label == "Username"
    assert SignupForm.base_fields["username"].label is None


async def test_disabled_field_keeps_its_initial_value() -> None:
    class Profile(Form):
        account = CharField(disabled=True)
        nickname = CharField()

    form = Profile({"account": "attacker", "nickname": "n"}, initial={"account": "ada"})
    assert await form.is_valid()
    assert form.cleaned_data["account"] == "ada"
    assert 'value="ada"' in str(form["account"]) and " disabled" in str(form["account"])


async def test_changed_data() -> None:
    class Settings(Form):
        name = CharField()
        count = IntegerField()

    form = Settings({"name": "same", "count": "3"}, initial={"name": "same", "count": 2})
    assert form.changed_data == ["count"]
    assert form.has_changed()


def attributes(html: str, tag: str) -> dict[str, str]:
    match = re.search(rf"<{tag}([^>]*)>", html)
    assert match, html
    return dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', match.group(1)))


def test_rendering_ids_names_labels_and_limits() -> None:
    form = SignupForm()
    username = str(form["username"])
    assert attributes(username, "input") == {"type": "text", "name": "username", "maxlength": "20", "id": "id_username",
                                             "required": "", "aria-describedby": "id_username_helptext"}  # fmt: skip
    assert form["username"].label_tag() == '<label for="id_username" class="required">Username</label>'
    assert form["password2"].label_tag() == '<label for="id_password2" class="required">Repeat password</label>'
    assert 'type="password"' in str(form["password"])
    assert 'type="email"' in str(form["email"])
    age = attributes(str(form["age"]), "input")
    assert age["type"] == "number" and age["min"] == "13" and "required" not in age
    assert 'type="checkbox"' in str(form["terms"])
    html = form.as_div()
    for name in SignupForm.base_fields:
        assert f'id="id_{name}"' in html and f'for="id_{name}"' in html
    assert '<div class="helptext" id="id_username_helptext">Letters and digits.</div>' in html


async def test_invalid_form_shows_errors_and_keeps_what_was_typed_escaped() -> None:
    typed = {**VALID, "username": '<script>alert("x")</script>', "email": "ada@", "password": "pw", "password2": "pw"}
    form = SignupForm(typed)
    assert not await form.is_valid()
    html = form.as_div()
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in html
    assert "<script>" not in html
    assert 'value="ada@"' in html
    assert 'aria-invalid="true"' in str(form["email"])
    assert '<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>' in html
    assert 'name="password"' in html and 'value="pw"' not in html  # passwords are never echoed back
    expected = '<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>'
    assert str(form["email"].errors) == expected


def test_choices_textarea_hidden_and_checkbox_list() -> None:
    class Options(Form):
        color = ChoiceField(choices=[("r", "Red"), ("g", "<Green>")], initial="g")
        sizes = MultipleChoiceField(choices=["S", "M", "L"], widget=CheckboxSelectMultiple, initial=["M"])
        note = CharField(widget=Textarea, required=False, initial="line\n<b>")
        token = CharField(widget=HiddenInput, initial="t")

    form = Options()
    assert str(form["color"]) == (
        '<select name="color" id="id_color" required><option value="r">Red</option>'
        '<option value="g" selected>&lt;Green&gt;</option></select>'
    )
    sizes = str(form["sizes"])
    assert 'id="id_sizes_0"' in sizes and 'value="M" checked id="id_sizes_1"' in sizes
    assert form["sizes"].label_tag().startswith('<label for="id_sizes_0"')
    assert str(form["note"]).endswith(">\nline\n&lt;b&gt;</textarea>")
    hidden = '<input type="hidden" name="token" value="t" id="id_token">'
    assert form["token"].is_hidden and str(form["token"]) == hidden
    assert [bound.name for bound in form.hidden_fields()] == ["token"]
    assert form.as_div().rstrip().endswith(hidden)


async def test_prefix_namespaces_names_and_ids() -> None:
    class Item(Form):
        name = CharField()

    form = Item({"item-name": "x", "name": "ignored"}, prefix="item")
    assert 'name="item-name"' in str(form["name"]) and 'id="id_item-name"' in str(form["name"])
    assert await form.is_valid()
    assert form.cleaned_data == {"name": "x"}


def test_multipart_detection() -> None:
    class Upload(Form):
        file = FileField()

    assert Upload().is_multipart() and not SignupForm().is_multipart()


def test_unknown_field_lookup_says_which_exist() -> None:
    with pytest.raises(KeyError, match="has no field 'nope'; its fields are: username, email"):
        SignupForm()["nope"]


async def test_forms_render_in_jinja_templates_without_double_escaping() -> None:
    environment = jinja2.Environment(autoescape=True, enable_async=True)
    template = environment.from_string(
        "{{ form.non_field_errors() }}{% for field in form %}{{ field.label_tag() }}{{ field }}{{ field.errors }}"
        "{% endfor %}|{{ form.as_div() }}|{{ form }}"
    )
    form = SignupForm({**VALID, "password2": "x", "email": "<b>"})
    assert not await form.is_valid()
    html = await template.render_async(form=form)
    assert '<ul class="errorlist nonfield"><li>The two passwords differ.</li></ul>' in html
    label = '<label for="id_email" class="required">Email</label>'
    assert label + '<input type="email" name="email" value="&lt;b&gt;"' in html
    assert "&lt;ul" not in html and "&amp;lt;" not in html
    assert html.count('id="id_username"') == 3
