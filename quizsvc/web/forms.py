"""WTForms for the account pages and the drill; each carries its CSRF token through Flask-WTF.

A question's answer form belongs to its kind (``QuestionKind.answer_form``): its fields depend
on the question; CSRFProtect covers it as it covers every POST.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
)

# The stubs (types-WTForms 3.2) predate SelectChoice, which WTForms 3.3 has.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from quizsvc.progress.models import Mode


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class SignupForm(FlaskForm):
    """Its messages are ours, in the words of `services.accounts`, not the form library's
    ("This field is required.", "Field must be between 8 and 200 characters long.")."""

    display_name = StringField(
        "Name (optional)",
        validators=[Length(max=80, message="Keep your name to 80 characters or fewer.")],
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired(message="Enter your email address, such as ada@example.org."),
            Length(max=254, message="Enter an email address of at most 254 characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Choose a password of at least 8 characters."),
            Length(min=8, max=200, message="Use a password of 8 to 200 characters."),
        ],
        description="At least 8 characters.",
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=8, max=200)],
        description="At least 8 characters. You stay logged in here; every other device is "
        "logged out.",
    )


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=80)],
        description="Where you will use it, e.g. “my notebook”.",
    )


class WholeNumberField(IntegerField):
    """A whole number written in the digits 0 to 9.

    ``int()`` also reads "٣" and "1_000", and ``str.isdigit()`` accepts "²", which ``int()``
    then refuses; a browser's number field sends none of them, so they are refused with the
    field's message instead of being read (or failing with a server error).
    """

    def __init__(self, label: str, message: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(self.message)
        self.data = int(text)


MODES = [mode.value for mode in Mode]


class DrillForm(FlaskForm):
    """The drill's settings; their ranges are the drill service's to check."""

    lesson = SelectMultipleField(
        "Lessons", validate_choice=False, validators=[DataRequired("Choose at least one lesson.")]
    )
    count = WholeNumberField("Questions", "Enter a whole number for the number of questions.")
    minutes = WholeNumberField(
        "Time limit in minutes",
        "Enter a whole number for the time limit.",
        validators=[Optional()],
    )
    mode = RadioField(
        "Mode",
        choices=[SelectChoice(mode, mode) for mode in MODES],
        default=Mode.EXAM.value,
        validate_choice=False,
        validators=[AnyOf(MODES, message="Choose practice or exam mode.")],
    )
    interview = BooleanField("Interview mode")

    def validate_count(self, field: WholeNumberField) -> None:
        if field.data is None:
            raise ValidationError(field.message)

    def first_error(self) -> str:
        return str(next(message for errors in self.errors.values() for message in errors))
