"""Words for the values of the variables, in the reader's language."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from haven.lib import vocabulary
from haven.stats.variables import COUNTRY, FLAG, GROUP

VALUES = {
    "Female": _("Female"),
    "Male": _("Male"),
    "Transgender/NonConforming": _("Transgender or non-conforming"),
    "Woman": _("Female"),
    "Man": _("Male"),
    "Trans/Transgender/NonConforming": _("Transgender or non-conforming"),
    "Adult": _("Adult"),
    "Minor": _("Minor"),
    "Hotline": _("Hotline"),
    "Case Management": _("Case management"),
    "0--12 (0-1 yr)": _("Up to a year"),
    "13--24 (1-2 yrs)": _("One to two years"),
    "25+ (2+ yrs)": _("More than two years"),
    "isForcedLabour": _("Forced labour"),
    "isSexualExploit": _("Sexual exploitation"),
    "isOtherExploit": _("Other exploitation"),
    "isForcedMarriage": _("Forced marriage"),
    "isForcedMilitary": _("Forced military service"),
    "isOrganRemoval": _("Organ removal"),
    "isSlaveryAndPractices": _("Slavery and similar practices"),
    "meansOfControlDebtBondage": _("Debt bondage"),
    "meansOfControlTakesEarnings": _("Takes earnings"),
    "meansOfControlRestrictsFinancialAccess": _("Restricts access to money"),
    "meansOfControlThreats": _("Threats"),
    "meansOfControlPsychologicalAbuse": _("Psychological abuse"),
    "meansOfControlPhysicalAbuse": _("Physical abuse"),
    "meansOfControlSexualAbuse": _("Sexual abuse"),
    "meansOfControlFalsePromises": _("False promises"),
    "meansOfControlPsychoactiveSubstances": _("Drugs or alcohol"),
    "meansOfControlRestrictsMovement": _("Restricts movement"),
    "meansOfControlRestrictsMedicalCare": _("Restricts medical care"),
    "meansOfControlExcessiveWorkingHours": _("Excessive working hours"),
    "meansOfControlUsesChildren": _("Uses the person's children"),
    "meansOfControlThreatOfLawEnforcement": _("Threat of police or immigration"),
    "meansOfControlWithholdsNecessities": _("Withholds food, sleep or shelter"),
    "meansOfControlWithholdsDocuments": _("Withholds documents"),
    "meansOfControlOther": _("Other means"),
    "typeOfLabourAgriculture": _("Agriculture"),
    "typeOfLabourBegging": _("Begging"),
    "typeOfLabourConstruction": _("Construction"),
    "typeOfLabourDomesticWork": _("Domestic work"),
    "typeOfLabourHospitality": _("Hotels and restaurants"),
    "typeOfLabourManufacturing": _("Manufacturing"),
    "typeOfLabourMiningOrDrilling": _("Mining"),
    "typeOfLabourTransportation": _("Transport"),
    "typeOfLabourOther": _("Other work"),
    "typeOfSexProstitution": _("Prostitution"),
    "typeOfSexPornography": _("Pornography"),
    "typeOfSexRemoteInteractiveServices": _("Remote interactive services"),
    "typeOfSexPrivateSexualServices": _("Private sexual services"),
    "recruiterRelationFamily": _("Family"),
    "recruiterRelationFriend": _("Friend or acquaintance"),
    "recruiterRelationIntimatePartner": _("Intimate partner"),
    "recruiterRelationOther": _("Someone else"),
}


def value_label(variable, value) -> str:
    if variable.check == COUNTRY:
        return vocabulary.country_name(value, get_language() or "en")
    if variable.kind == FLAG:
        return str(_("Yes") if value == "1" else _("No"))
    if variable.kind == GROUP or value in VALUES:
        return str(VALUES.get(value, value))
    return str(value).replace("--", "\u2013")  # an en dash between the ages of a band
