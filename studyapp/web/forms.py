"""Every HTML form of the site, as WTForms classes (Flask-WTF adds the CSRF token).

Validation that belongs to the domain (username rules, learning steps, time
zones) calls the domain's own checks, so a message shown here is the domain's.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from studyapp.accounts.users import MIN_PASSWORD_LENGTH, USERNAME_PATTERN
from studyapp.scheduling.steps import StepsError, parse_steps
from studyapp.scheduling.study_day import is_known_time_zone, time_zone_choices

USERNAME_RULE = "3 to 64 letters, digits, dots, hyphens or underscores."
# Answer times above this are clamped: a card left on screen over lunch is not
# an hour of thinking (Anki caps answer time the same way).
MAX_DURATION_MS = 10 * 60 * 1000


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Enter your username.")],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired("Choose a username."),
            Regexp(USERNAME_PATTERN, message="A username is " + USERNAME_RULE),
        ],
        description=USERNAME_RULE.capitalize(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", message="The two passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PostForm(FlaskForm):
    """A form with nothing but its CSRF token (log out)."""


class LibraryActionForm(FlaskForm):
    """Add a deck to one's studies or remove it.

    Afterwards the user goes back to ``next`` (a path on this site, e.g. the
    deck's page) or else to the library with the search ``q`` they came from.
    """

    q = StringField(validators=[Optional(), Length(max=300)])
    next = StringField(validators=[Optional(), Length(max=2000)])


class VisibilityForm(LibraryActionForm):
    """Publish one's own deck (``public`` "1") or make it private again ("0")."""

    public = StringField(validators=[InputRequired(), AnyOf(["0", "1"])])


class ScopeMixin:
    """The study scope a form carries back to the study page (both optional)."""

    deck = IntegerField(validators=[Optional(), NumberRange(min=1)])
    subtree = IntegerField(validators=[Optional(), NumberRange(min=1)])


class RatingForm(ScopeMixin, FlaskForm):
    card_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    rating = IntegerField(
        validators=[InputRequired("Choose Again, Hard, Good or Easy."), NumberRange(min=1, max=4)]
    )
    request_id = StringField(
        validators=[
            InputRequired(),
            Regexp(r"^[0-9a-f]{32}$", message="The answer form is damaged."),
        ]
    )
    duration_ms = IntegerField(validators=[Optional(), NumberRange(min=0)])

    def clamped_duration_ms(self) -> int | None:
        value = self.duration_ms.data
        return None if value is None else min(value, MAX_DURATION_MS)


class UndoForm(ScopeMixin, FlaskForm):
    pass


class StudyStartForm(ScopeMixin, FlaskForm):
    """Start studying a deck or a branch the user does not study yet (adds the deck)."""


def _valid_steps(_form: FlaskForm, field: StringField) -> None:
    try:
        parse_steps(field.data or "")
    except StepsError as error:
        raise ValidationError(str(error).capitalize() + ".") from error


def _known_time_zone(_form: FlaskForm, field: SelectField) -> None:
    if not is_known_time_zone(field.data or ""):
        raise ValidationError(f"'{field.data}' is not a time zone; choose one from the list.")


def _normalise_steps(value: object) -> object:
    return " ".join(value.lower().split()) if isinstance(value, str) else value


class SettingsForm(FlaskForm):
    desired_retention = FloatField(
        "Desired retention",
        validators=[
            InputRequired("Enter a desired retention."),
            NumberRange(0.70, 0.99, message="Desired retention must be between 0.70 and 0.99."),
        ],
        description=(
            "The chance of remembering a card when it comes due. Higher means more "
            "reviews; 0.90 suits most people."
        ),
        render_kw={"step": "0.01", "min": "0.70", "max": "0.99", "inputmode": "decimal"},
    )
    new_cards_per_day = IntegerField(
        "New cards per day",
        validators=[
            InputRequired("Enter how many new cards a day."),
            NumberRange(0, 9999, message="New cards per day must be between 0 and 9999."),
        ],
        render_kw={"min": "0", "max": "9999", "inputmode": "numeric"},
    )
    max_reviews_per_day = IntegerField(
        "Maximum reviews per day",
        validators=[
            InputRequired("Enter the most reviews a day."),
            NumberRange(0, 99999, message="Maximum reviews per day must be between 0 and 99999."),
        ],
        render_kw={"min": "0", "max": "99999", "inputmode": "numeric"},
    )
    time_zone = SelectField(
        "Time zone",
        validate_choice=False,
        validators=[InputRequired("Choose a time zone."), _known_time_zone],
    )
    day_rollover_hour = IntegerField(
        "New day starts at (hour)",
        validators=[
            InputRequired("Enter the hour a new study day starts."),
            NumberRange(0, 23, message="The hour must be between 0 and 23."),
        ],
        description="0–23 in your time zone; 4 means a new day begins at 4 a.m.",
        render_kw={"min": "0", "max": "23", "inputmode": "numeric"},
    )
    learning_steps = StringField(
        "Learning steps",
        validators=[Length(max=200), _valid_steps],
        filters=[_normalise_steps],
        description="Waits between the first answers to a new card, e.g. “1m 10m”.",
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    relearning_steps = StringField(
        "Relearning steps",
        validators=[Length(max=200), _valid_steps],
        filters=[_normalise_steps],
        description="Waits after you forget a card, e.g. “10m”.",
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(zone, zone.replace("_", " ")) for zone in time_zone_choices()]



class ImportForm(FlaskForm):
    """Upload or paste a deck for a preview; after a preview, the same file plus one move.

    Either field may be empty, but not both (the view says so): a learner who
    pastes text leaves the file field alone and the other way round.
    """

    deck_file = FileField(
        "Deck file",
        description=(
            "JSON, Markdown outline, the map explorer's page text (.txt), Anki package "
            "(.apkg) or Anki's text export (.txt or .tsv)."
        ),
        render_kw={"accept": ".json,.md,.markdown,.txt,.tsv,.apkg"},
    )
    text = TextAreaField(
        "…or paste the deck's text",
        description="A Markdown outline, JSON, or the text copied from a map explorer's page.",
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    public = BooleanField("Public deck: every learner can find it in the library")
    # Carried by the preview page (studyapp.web.deck_import).
    source = HiddenField()
    source_name = HiddenField()
    moves = HiddenField()
    move_concept = SelectField("Move this concept", choices=[], validate_choice=False)
    move_parent = SelectField("under", choices=[], validate_choice=False)


class ImportConfirmForm(FlaskForm):
    """The confirmation of a previewed import: the file as previewed, and its moves."""

    source = HiddenField(validators=[DataRequired()])
    source_name = HiddenField(validators=[DataRequired()])
    moves = HiddenField()
    version = HiddenField(validators=[DataRequired()])
    public = HiddenField()  # "1" for a public deck
