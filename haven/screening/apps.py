from django.apps import AppConfig
from django.core import checks


class ScreeningConfig(AppConfig):
    name = "haven.screening"
    verbose_name = "Screening"

    def ready(self):
        checks.register(check_data_files)


def check_data_files(app_configs=None, **kwargs):
    """Refuse to start with a malformed questionnaire or rules file, naming file and problem."""
    from haven.screening import joboffers, questionnaires

    try:
        questionnaires.load_all()
        joboffers.load_rule_sets()
    except questionnaires.QuestionnaireError as error:
        return [checks.Error(str(error), id="screening.E001")]
    return []
