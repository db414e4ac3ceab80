"""WTForms of the course pages; ranges and rules are the course services' to check, so the
pages and the API refuse the same things with the same words."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, SelectMultipleField, StringField

# The stubs (types-WTForms 3.2) predate SelectChoice, which WTForms 3.3 has.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Length, Optional

from quizsvc.progress.courses import AssessmentMode, Release, SeedPolicy
from quizsvc.web.forms import WholeNumberField


class CourseForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the course a title."), Length(max=120)]
    )
    term = StringField("Term", validators=[Length(max=60)], description="E.g. “Spring 2027”.")
    timezone = StringField(
        "Time zone",
        default="UTC",
        validators=[DataRequired(), Length(max=64)],
        description="Opening and closing times are entered and shown in this zone, e.g. "
        "Europe/Athens.",
    )


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        validators=[DataRequired("Enter the code your instructor gave you."), Length(max=20)],
        description="8 letters and digits, e.g. K7QM3XPA.",
    )


class StaffForm(FlaskForm):
    email = EmailField("Email of their account", validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        "Role",
        choices=[
            SelectChoice("instructor", "Co-instructor"),
            SelectChoice("ta", "Teaching assistant"),
        ],
        default="instructor",
    )


MODE_CHOICES = [
    SelectChoice(AssessmentMode.EXAM.value, "Exam: answers may change, results at the end"),
    SelectChoice(AssessmentMode.PRACTICE.value, "Practice: feedback after each answer"),
    SelectChoice(AssessmentMode.DRILL.value, "Timed drill: an exam against a time limit"),
]
SEED_CHOICES = [
    SelectChoice(SeedPolicy.PER_STUDENT.value, "Every student gets their own variants"),
    SelectChoice(SeedPolicy.SHARED.value, "The whole class gets the same variants"),
]
RELEASE_CHOICES = [
    SelectChoice(Release.IMMEDIATELY.value, "At once, when a student finishes"),
    SelectChoice(Release.AFTER_CLOSE.value, "After closing (after every accommodation too)"),
    SelectChoice(Release.NEVER.value, "Never (staff only)"),
]


class AssessmentForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the assessment a title."), Length(max=120)]
    )
    lessons = SelectMultipleField("Lessons", validate_choice=False)
    objectives = SelectMultipleField("Objectives", validate_choice=False)
    templates = SelectMultipleField("Questions", validate_choice=False)
    question_count = WholeNumberField(
        "Number of questions", "Enter a whole number of questions.", default=10
    )
    mode = RadioField("Mode", choices=MODE_CHOICES, default=AssessmentMode.EXAM.value)
    time_limit = WholeNumberField(
        "Time limit in minutes",
        "Enter a whole number of minutes, or leave it empty.",
        validators=[Optional()],
        description="Empty for none; a timed drill needs one.",
    )
    opens_at = StringField("Opens", description="Empty: open at once.")
    closes_at = StringField("Closes", description="Empty: never closes.")
    attempts_allowed = WholeNumberField(
        "Attempts allowed",
        "Enter a whole number of attempts, or leave it empty.",
        validators=[Optional()],
        default=1,
        description="Empty for as many as a student likes.",
    )
    seeds = RadioField("Variants", choices=SEED_CHOICES, default=SeedPolicy.PER_STUDENT.value)
    release = RadioField(
        "Results and keys", choices=RELEASE_CHOICES, default=Release.IMMEDIATELY.value
    )

    def first_error(self) -> str:
        return str(next(message for errors in self.errors.values() for message in errors))


class AccommodationForm(FlaskForm):
    student = SelectField("Student", coerce=int, validate_choice=False)
    time_factor = StringField(
        "Time factor", default="1", description="1.5 gives 50 % more time; 1 for none."
    )
    extra_minutes = WholeNumberField(
        "Extra minutes", "Enter a whole number of minutes.", default=0, validators=[Optional()]
    )
    closes_at = StringField("Later close", description="Empty: the assessment's own close.")

    def factor(self) -> float:
        text = (self.time_factor.data or "1").strip().replace(",", ".")
        try:
            return float(text)
        except ValueError:
            return float("nan")  # refused by the service with the allowed range

    def first_error(self) -> str:
        return str(next(message for errors in self.errors.values() for message in errors))


def form_data(**values: Any) -> dict[str, Any]:
    """Defaults for a form shown on GET (None values left out)."""
    return {key: value for key, value in values.items() if value is not None}
