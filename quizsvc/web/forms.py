"""WTForms for the account pages; each carries its CSRF token through Flask-WTF.

Quiz answer forms are built in templates from the question itself (their fields depend on the
question kind); CSRFProtect covers them as it covers every POST.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class SignupForm(FlaskForm):
    display_name = StringField("Name (optional)", validators=[Length(max=80)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(min=8, max=200)],
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
