"""Forms built from a questionnaire (yes / no / don't know for each question), and the job check."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from haven.reports.forms import country_choices
from haven.screening.joboffers import MAX_TEXT
from haven.screening.questionnaires import Questionnaire, vocabulary
from haven.screening.scoring import Answer

ANSWER_CHOICES = [
    (Answer.YES.value, _("Yes")),
    (Answer.NO.value, _("No")),
    (Answer.UNKNOWN.value, _("I don't know")),
]
PREFIX = "q_"


class QuestionnaireForm(forms.Form):
    """One radio group per question, named q_<question id>; a question left blank is "unknown".

    The case page can use it as it is: `QuestionnaireForm(request.POST, questionnaire=q,
    language=lang)`, then `form.answers()` to score and save.
    """

    def __init__(self, *args, questionnaire: Questionnaire, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.language = language
        for question in questionnaire.questions:
            self.fields[PREFIX + question.id] = forms.ChoiceField(
                label=question.text_in(language),
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, str]:
        return {
            question.id: self.cleaned_data.get(PREFIX + question.id) or Answer.UNKNOWN.value
            for question in self.questionnaire.questions
        }

    def question_fields(self):
        """(question, bound field) pairs in order, for templates."""
        return [(q, self[PREFIX + q.id]) for q in self.questionnaire.questions]

    def answer_fields(self):
        return [self[PREFIX + q.id] for q in self.questionnaire.questions]

    def sections(self) -> list[dict]:
        """Questions numbered in order; for staff, under a heading per dimension."""
        numbered = [
            (number, question, self[PREFIX + question.id])
            for number, question in enumerate(self.questionnaire.questions, start=1)
        ]
        if self.questionnaire.audience == "public":
            return [{"title": "", "fields": [(n, field) for n, _, field in numbered]}]
        names = vocabulary()
        sections = []
        for number, question, field in numbered:
            title = names.dimension_name(question.dimension, self.language)
            if not sections or sections[-1]["title"] != title:
                sections.append({"title": title, "fields": []})
            sections[-1]["fields"].append((number, field))
        return sections


class SelfCheckForm(QuestionnaireForm):
    country = forms.ChoiceField(
        label=_("Which country are you in now?"),
        help_text=_("We show the help-lines of this country with your result."),
        choices=country_choices,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].initial = settings.HAVEN_COUNTRY
        # The country goes last, after the questions.
        self.order_fields([*list(self.fields)[1:], "country"])

    def clean(self):
        cleaned = super().clean()
        # With no answer yes or no there is nothing to judge: a verdict would falsely reassure.
        if not self.errors and all(
            answer == Answer.UNKNOWN.value for answer in self.answers().values()
        ):
            raise forms.ValidationError(
                _("Answer at least one question yes or no to see a result."), code="unanswered"
            )
        return cleaned

    def first_question_id(self) -> str:
        """The id of the first radio button, for links from the error summary."""
        return f"{self.answer_fields()[0].auto_id}_0"


class JobOfferForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the job advertisement or message"),
        help_text=_("In Vietnamese or English. Nothing you paste is stored."),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        max_length=MAX_TEXT,
    )
