"""Builders for the exchange tests: the template's header, cases to export, CSV to import."""

import csv
import io
from datetime import date

from haven.cases import referrals, services
from haven.cases.models import Case
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.exchange.export import cases_for_export, csv_header, export_csv
from haven.exchange.importer import import_rows

TEMPLATE_HEADER = [
    "cas_CaseOwner",
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "con_Consent",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_Title",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
]


def rich_case(alice, carol) -> Case:
    """Two victims and a perpetrator, Vietnamese names, multi-selects, events, a referral."""
    case = services.open_case(
        actor=alice,
        country="VN",
        risk="high",
        summary="Tuyển qua Facebook, làm việc ở Campuchia.",
        opened=date(2024, 3, 1),
        referring_organisation="Công an tỉnh Nghệ An",
        referring_case_worker="Đại uý Hùng",
        incoming_referral_date=date(2024, 2, 28),
        incoming_referral_reason="AdditionalServicesRequired",
        incoming_referral_details="Đưa về từ cửa khẩu.",
    )
    lan = services.add_participant(
        case,
        actor=alice,
        role="victim",
        person={
            "salutation": "Chị",
            "first_name": "Lan",
            "second_name": "Nguyễn Thị",
            "birthdate": "2004-03-09",
            "gender": "Feminine",
            "citizenship": ["VN", "KH"],
            "email": "lan@example.org",
            "mobile_phone": "+84901234567",
            "mailing_street": "12 Lê Lợi",
            "mailing_city": "Vinh",
            "mailing_state": "Nghệ An",
            "mailing_country": "VN",
            "identity_number": "038204001234",
        },
        details={
            "trafficking_status": "ActualVictimOfTrafficking",
            "status_decided_by": "Police",
            "recruitment_methods": ["ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents"],
            "recruitment_apps": ["Facebook", "Telegram"],
            "recruitment_country": "VN",
            "recruitment_place": "Nghệ An",
            "control_methods": ["WithholdsDocuments", "DebtBondage"],
            "exploitation_types": ["ForcedLabour", "SexualExploitation"],
            "industries": ["E_WaterSupplySewerageWasteManagement", "F_Construction"],
            "sex_exploitation_types": ["Prostitution"],
            "exploitation_country": "KH",
            "exploitation_place": "Sihanoukville",
            "age_when_trafficked": 19,
            "relationship_to_trafficker": "Acquainted",
            "exploitation_began": date(2023, 6, 1),
            "exploitation_ended": date(2024, 2, 20),
        },
    )
    duc = services.add_participant(
        case,
        actor=alice,
        role="victim",
        person={"first_name": "Đức", "second_name": "Trần Văn", "gender": "Masculine"},
        details={
            "trafficking_status": "PossibleVictimOfTrafficking",
            "control_methods": ["RestrictsMovement"],
            "exploitation_types": ["ForcedLabour"],
            "exploitation_country": "MM",
        },
    )
    services.add_participant(
        case,
        actor=alice,
        role="perpetrator",
        person={"first_name": "Hải"},
        details={
            "roles_in_process": ["RecruiterOrIntermediary"],
            "perpetrator_organisation": "Công ty Xuất khẩu Lao động",
        },
    )
    referrals.record_consent(case, lan.person, actor=alice, answers=ALL_CONSENT)
    referrals.record_consent(case, duc.person, actor=alice, answers=ALL_CONSENT)
    services.add_event(
        case,
        actor=alice,
        values={
            "type": "Recruitment",
            "date": date(2023, 5, 20),
            "country": "VN",
            "participant": lan,
        },
    )
    services.add_event(
        case, actor=alice, values={"type": "Exploitation", "country": "KH", "city": "Sihanoukville"}
    )
    services.add_service(
        case,
        actor=alice,
        values={
            "type": "Health",
            "provider": carol.organisation,
            "objectives": "Khám sức khoẻ",
            "planned_end": date(2024, 4, 1),
            "participant": lan,
        },
    )
    referral = referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="MigrationOrChangeOfLocation",
        sections=["summary", "exploitation"],
        details="Cần chỗ ở an toàn.",
    )
    referrals.accept(referral, actor=carol)
    # "Research" does not govern referrals: refusing it makes con_Consent FALSE, nothing more.
    referrals.record_consent(case, duc.person, actor=alice, answers={"research": False})
    referrals.withdraw_consent(case, duc.person, actor=alice, item="retention")
    return case


def closed_case(alice) -> Case:
    case = make_case(alice, opened=date(2023, 1, 5))
    services.close_case(case, actor=alice, reason='=HYPERLINK("http://x") đã hồi hương')
    return case


def empty_case(alice) -> Case:
    return services.open_case(
        actor=alice,
        country="TH",
        opened=date(2024, 5, 1),
        case_worker=None,
        external_referred_organisation="IOM Thailand",
        external_referral_reason="Other",
        external_referral_date=date(2024, 5, 2),
    )


def text_of(pieces) -> str:
    return "".join(pieces)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def records(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_file(*rows: dict, extended: bool = False, header=None) -> str:
    header = header or csv_header(extended)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def load(text: str, user, **options):
    return import_rows(rows_of(text), organisation=user.organisation, actor=user, **options)


def export_of(organisation, **options) -> str:
    return text_of(export_csv(cases_for_export(organisation), **options))


GOOD = {
    "cas_CaseOwner": "alice",
    "prs_FirstName": "Hoa",
    "prs_SecondName": "Lê Thị",
    "con_Consent": "TRUE",
    "prs_Gender": "Feminine",
    "vic_TypeOfExploitation": "ForcedLabour",
    "cas_Status": "Active",
}
