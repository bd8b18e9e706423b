"""The words the demo cases are made of: names, places, and the patterns of the stories.

All of it invented or generic. Vietnamese and English mix, as in real case notes.
"""

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
FAMILY_NAMES += ["Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Lò", "Giàng", "Sùng", "Vàng"]
WOMEN = (["Thị", "Ngọc", "Thu", "Thanh", "Kim"], ["Lan", "Hoa", "Mai", "Hương", "Linh"])
WOMEN[1].extend(["Trang", "Thảo", "Hằng", "Nga", "Huyền", "Dung", "Nhung", "Vy", "Mỷ", "Dợ"])
MEN = (["Văn", "Đức", "Minh", "Hữu", "Quang"], ["Nam", "Hùng", "Dũng", "Tuấn", "Hải"])
MEN[1].extend(["Sơn", "Long", "Phúc", "Khánh", "Tú", "Thắng", "Lâm", "Páo", "Chứ", "Lềnh"])
# Families in the north-west highlands (Hmong names above) speak Hmong first.
HIGHLAND_FAMILIES = {"Lò", "Giàng", "Sùng", "Vàng"}
HIGHLANDS = ["Hà Giang", "Lào Cai", "Điện Biên", "Sơn La", "Lai Châu", "Cao Bằng"]
LOWLANDS = ["Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Quảng Bình", "An Giang", "Đồng Tháp"]
LOWLANDS += ["Sóc Trăng", "Kiên Giang", "Cà Mau", "Bắc Giang", "Hải Dương", "Hà Nội"]
VILLAGES = ["thôn 2", "thôn 5", "xóm Bãi", "bản Nậm Khánh", "ấp 3", "xóm Đồng", "tổ 7"]

# Each pattern: what the victims went through, where, how they were held, what helps them.
# places: (country, province or state, town) where the exploitation happened.
PATTERNS = {
    "scam": dict(
        weight=30,
        kinds=[["ForcedLabour"], ["ForcedLabour", "Servitude"]],
        industries=["J_InformationAndCommunication"],
        places=[
            ("KH", "Preah Sihanouk", "Sihanoukville"),
            ("KH", "Svay Rieng", "Bavet"),
            ("KH", "Banteay Meanchey", "Poipet"),
            ("MM", "Kayin", "Myawaddy"),
            ("MM", "Shan", "Tachileik"),
            ("LA", "Bokeo", "Golden Triangle SEZ"),
        ],
        ages=(18, 34),
        women=0.4,
        recruitment=["ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement"],
        apps=[["Facebook"], ["Facebook", "Telegram"], ["TikTok"], ["Other"], ["Telegram"]],
        control=["DebtBondage", "WithholdsDocuments", "RestrictsMovement", "PhysicalAbuse"],
        more_control=["ExcessiveWorkingHours", "ThreatensChildrenFamily", "FalsePromises"],
        vulnerabilities=["Poverty", "AbuseSocialMedia", "Migration"],
        support=["Health", "LabourExploitationRehabilitation", "Legal", "Financial"],
        summaries=[
            "Thấy tin tuyển 'nhân viên CSKH, lương 1.200-1.500 USD' trên {app}, được đưa qua "
            "biên giới sang {town} ({country}). Bị thu hộ chiếu, ép làm 'việc online' (lừa đảo) "
            "14-16h/ngày, bị đánh khi không đạt KPI. Family was asked for {money} USD ransom.",
            "Mẹ của {name} gọi đường dây nóng: con đi 'làm casino' ở {town} từ {month}, nhắn tin "
            "xin cứu, bị bán qua 2 công ty. About {group} other Vietnamese in the same building; "
            "embassy contacted.",
            "Returned through the border after the compound at {town} was raided. {name} khai bị "
            "phạt nợ {money} USD 'tiền vé + ăn ở', bị điện giật khi trốn lần đầu. Needs a health "
            "check and legal advice for the victim identification file.",
        ],
    ),
    "fishing": dict(
        weight=10,
        kinds=[["ForcedLabour"]],
        industries=["A_AgricultureForestryAndFishing"],
        places=[
            ("TH", "Songkhla", "Songkhla"),
            ("TH", "Pattani", "Pattani"),
            ("MY", "Terengganu", "Kuala Terengganu"),
        ],
        ages=(16, 40),
        women=0.0,
        recruitment=["ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents"],
        apps=[[], ["Facebook"]],
        control=["DebtBondage", "TakesEarnings", "ExcessiveWorkingHours", "WithholdsDocuments"],
        more_control=["PhysicalAbuse", "RestrictsMovement", "WithholdsNecessities"],
        vulnerabilities=["Poverty", "Education", "Migration"],
        support=["LabourExploitationRehabilitation", "Financial", "Livelihood", "Health"],
        summaries=[
            "{name} được người quen giới thiệu đi 'làm tàu cá' ở {town}, hứa 10 triệu/tháng. Trên "
            "tàu 18-20h/ngày, không được trả lương {months} tháng, chủ tàu giữ giấy tờ. Escaped "
            "when the boat docked; found the hotline through a Facebook group of workers.",
            "Crew of {group} Vietnamese on a boat out of {town}; {name} bị đánh khi ốm không "
            "làm được, bị trừ hết lương 'tiền môi giới'. Thai police and an NGO brought him back.",
        ],
    ),
    "construction": dict(
        weight=10,
        kinds=[["ForcedLabour"]],
        industries=["F_Construction"],
        places=[
            ("MY", "Kuala Lumpur", "Kuala Lumpur"),
            ("MY", "Johor", "Johor Bahru"),
            ("LA", "Vientiane", "Vientiane"),
        ],
        ages=(19, 45),
        women=0.1,
        recruitment=["AtWork", "ThroughFriendsOrSocialEvents", "ThroughAnOnlineAdvertisement"],
        apps=[[], ["Facebook"], ["Other"]],
        control=["WithholdsDocuments", "DebtBondage", "TakesEarnings", "RestrictsMovement"],
        more_control=["ThreatsLawEnforcement", "ExcessiveWorkingHours", "FalsePromises"],
        vulnerabilities=["Poverty", "Migration", "WorkEnvironment"],
        support=["Legal", "Financial", "Livelihood"],
        summaries=[
            "Đi lao động 'chui' qua môi giới ở {province}, làm công trường ở {town}. Chủ thầu giữ "
            "hộ chiếu, trừ lương 'phí môi giới' {debt} triệu đồng, ở lán trại không được ra ngoài. "
            "Wants to go home and recover {months} months of unpaid wages.",
            "Threatened with the immigration police ('không có giấy tờ sẽ bị bắt') whenever he "
            "asked for pay. {name} gọi về cho vợ bằng điện thoại mượn; wife called us.",
        ],
    ),
    "marriage": dict(
        weight=18,
        kinds=[["ForcedMarriage"], ["ForcedMarriage", "SexualExploitation"], ["ForcedMarriage"]],
        industries=[],
        places=[
            ("CN", "Henan", "Zhoukou"),
            ("CN", "Shandong", "Linyi"),
            ("CN", "Anhui", "Fuyang"),
            ("CN", "Jiangsu", "Xuzhou"),
        ],
        ages=(15, 24),
        women=1.0,
        highland=0.6,
        recruitment=["ThroughFriendsOrSocialEvents", "ThroughOnlineSocialNetworks"],
        apps=[["Facebook"], ["Other"], ["WeChat"], []],
        control=["RestrictsMovement", "WithholdsDocuments", "PsychologicalAbuse"],
        more_control=["SexualAbuse", "UsesChildren", "PhysicalThreats", "FalsePromises"],
        vulnerabilities=["Poverty", "SocialGroup", "Education", "Discrimination"],
        support=["SocialCare", "Health", "Legal", "SexualExploitationRehabilitation"],
        summaries=[
            "{name}, người {people}, được 'bạn' quen qua {app} rủ lên thành phố chơi rồi đi làm, "
            "bị đưa qua biên giới và bán làm vợ ở {town}, Trung Quốc. Lived there {years} years, "
            "one child born there; escaped to the police. Worried about the child still in China.",
            "Bố mẹ trình báo con gái {age} tuổi mất liên lạc sau khi đi cùng người quen sang TQ "
            "'làm ở xưởng'. Later called from {town}: bị ép lấy chồng, bị giữ điện thoại. Case "
            "opened on the family's call, border guards informed.",
        ],
    ),
    "sexual": dict(
        weight=15,
        kinds=[["SexualExploitation"], ["SexualExploitation", "ForcedLabour"]],
        industries=["I_AccommodationAndFoodServiceActivities"],
        sex=[["Prostitution"], ["PrivateSexualServices"], ["RemoteInteractiveServices"]],
        places=[
            ("MY", "Johor", "Johor Bahru"),
            ("TH", "Bangkok", "Bangkok"),
            ("LA", "Vientiane", "Vientiane"),
            ("VN", "Thành phố Hồ Chí Minh", "Quận 7"),
            ("KH", "Phnom Penh", "Phnom Penh"),
        ],
        ages=(16, 27),
        women=0.95,
        recruitment=["ThroughAnOnlineAdvertisement", "ThroughOnlineSocialNetworks"],
        apps=[["Facebook"], ["FacebookMessenger"], ["TikTok"], ["Other"]],
        control=["DebtBondage", "TakesEarnings", "SexualAbuse", "WithholdsDocuments"],
        more_control=["PsychoactiveSubstance", "PhysicalThreats", "ThreatensChildrenFamily"],
        vulnerabilities=["Poverty", "AbuseSocialMedia", "AbusePhysical", "Homelessness"],
        support=["SexualExploitationRehabilitation", "Health", "SocialCare", "Livelihood"],
        summaries=[
            "Tuyển 'phục vụ nhà hàng' ở {town} qua {app}, được bao vé. Đến nơi bị ép tiếp khách "
            "ở quán karaoke, nợ 'tiền vé + phòng' {debt} triệu, bị cho dùng chất kích thích. "
            "Rescued in a police raid, in shelter since {month}.",
            "{name} ({age}) bị giữ ở một căn hộ tại {town}, ép gọi video khiêu dâm cho khách; "
            "bị đe doạ tung ảnh cho gia đình. Friend reported it through the hotline chat.",
        ],
    ),
    "child": dict(
        weight=10,
        kinds=[["ChildLabour"], ["ChildLabour", "ForcedLabour"], ["ChildLabour", "ForcedBegging"]],
        industries=["C_Manufacturing"],
        places=[
            ("VN", "Thành phố Hồ Chí Minh", "Bình Tân"),
            ("VN", "Bình Dương", "Thuận An"),
            ("VN", "Hà Nội", "Hoàng Mai"),
            ("TH", "Bangkok", "Bangkok"),
        ],
        ages=(12, 17),
        women=0.5,
        highland=0.3,
        recruitment=["ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents"],
        apps=[[]],
        control=["ExcessiveWorkingHours", "TakesEarnings", "RestrictsMovement"],
        more_control=["WithholdsNecessities", "PhysicalAbuse", "FalsePromises"],
        vulnerabilities=["Poverty", "Education", "SocialGroup"],
        support=["Education", "SocialCare", "Health"],
        summaries=[
            "{name}, {age} tuổi, bỏ học lớp 7, được 'cô' cùng xã đưa vào {town} làm ở xưởng may "
            "12-14h/ngày, không lương ('gửi về cho bố mẹ'). Neighbours reported; child is back "
            "with the family, school re-enrolment planned.",
            "Bị đưa đi bán kẹo, xin tiền ở phố đi bộ tại {town}; người đưa đi thu hết tiền. "
            "Child protection services found {group} children from the same district.",
        ],
    ),
    "servitude": dict(
        weight=7,
        kinds=[["Servitude"], ["Servitude", "ForcedLabour"]],
        industries=["T_ActivitiesOfHouseholdsAsEmployers"],
        places=[
            ("MY", "Penang", "George Town"),
            ("CN", "Guangdong", "Dongguan"),
            ("TH", "Bangkok", "Bangkok"),
        ],
        ages=(18, 45),
        women=0.9,
        recruitment=["ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents"],
        apps=[["Facebook"], ["FacebookMessenger"], ["Other"]],
        control=["WithholdsDocuments", "RestrictsMovement", "TakesEarnings"],
        more_control=["ExcessiveWorkingHours", "PsychologicalAbuse", "WithholdsNecessities"],
        vulnerabilities=["Poverty", "Migration"],
        support=["SocialCare", "Legal", "Financial"],
        summaries=[
            "Đi làm giúp việc gia đình ở {town}: chủ nhà giữ hộ chiếu, không cho ra ngoài, làm "
            "từ 5h sáng tới nửa đêm, không trả lương {months} tháng. Reached a friend on "
            "Messenger at night; the friend called us.",
        ],
    ),
}

COUNTRY_NAMES = {
    "VN": "Việt Nam",
    "KH": "Campuchia",
    "LA": "Lào",
    "MM": "Myanmar",
    "TH": "Thái Lan",
    "CN": "Trung Quốc",
    "MY": "Malaysia",
}
# The way people cross (country, province, place), by the country they end up in.
BY_ROAD = "Đi xe khách tới biên giới, có người đón. Crossed at night."
ON_FOOT = "Được dẫn qua đường mòn, phải trả 'phí' cho người dẫn đường."
BY_AIR = "Flew on a tourist visa; the broker kept the return ticket."
# The ways people cross, by the country they end up in: (country, province, place, how).
CROSSINGS = {
    "KH": [
        ("VN", "Tây Ninh", "Cửa khẩu Mộc Bài", BY_ROAD),
        ("VN", "An Giang", "đường mòn Tịnh Biên", ON_FOOT),
    ],
    "MM": [("TH", "Tak", "Mae Sot", BY_AIR), ("TH", "Chiang Rai", "Mae Sai", BY_AIR)],
    "LA": [
        ("VN", "Hà Tĩnh", "Cửa khẩu Cầu Treo", BY_ROAD),
        ("VN", "Nghệ An", "Cửa khẩu Nậm Cắn", BY_ROAD),
    ],
    "CN": [("VN", "Lào Cai", "Lào Cai", ON_FOOT), ("VN", "Quảng Ninh", "Móng Cái", BY_ROAD)],
    "TH": [
        ("LA", "Savannakhet", "Savannakhet", BY_ROAD),
        ("TH", "Bangkok", "Suvarnabhumi", BY_AIR),
    ],
    "MY": [("MY", "Selangor", "KLIA", BY_AIR)],
    "VN": [("VN", "Thành phố Hồ Chí Minh", "Bến xe Miền Tây", BY_ROAD)],
}
RECRUITED = [
    "Gặp người tuyển dụng ở quán cà phê trong thị trấn.",
    "Chatted for three weeks before meeting; he paid for the bus.",
    "Người cùng xã giới thiệu, hứa lương cao, không cần bằng cấp.",
]
SERVICE_TEXTS = {
    "Health": ("Khám sức khỏe tổng quát, xét nghiệm", "Appointment at the provincial hospital"),
    "LabourExploitationRehabilitation": (
        "Phục hồi sau bóc lột lao động",
        "Counselling 6 sessions, then job advice",
    ),
    "Legal": ("Tư vấn pháp lý, đòi lương", "Free legal aid centre; prepare the complaint"),
    "Financial": ("Hỗ trợ tiền tàu xe về quê", "One-off allowance under Decree 09"),
    "Livelihood": ("Học nghề (may, sửa xe máy)", "Enrol in the district vocational course"),
    "SocialCare": ("Chỗ ở an toàn, chăm sóc", "Place at the shelter, case conference weekly"),
    "SexualExploitationRehabilitation": (
        "Trị liệu tâm lý sau sang chấn",
        "Trauma-informed counselling, 8 sessions",
    ),
    "Education": ("Đi học lại", "Meet the school head; uniform and books"),
    "RightsBasedTraining": ("Hiểu quyền của người lao động", "Group session at the shelter"),
}
NOTES = [
    "Đã gọi cho gia đình, mẹ xác nhận thông tin. Family cooperative.",
    "Nạn nhân còn hoảng sợ, ngủ kém. First counselling session went well.",
    "Liên hệ Đại sứ quán để xin giấy thông hành (travel document).",
    "Follow-up call: đã về nhà an toàn, đang tìm việc ở địa phương.",
    "Công an huyện đã lấy lời khai; victim identification pending.",
    "Không liên lạc được 2 lần, sẽ thử lại qua trưởng thôn.",
    "Home visit after 3 months: ổn định, đang học nghề may.",
    "Gia đình lo bị đòi nợ; explained that the 'debt' is not owed and legal aid is free.",
    "Asked not to be called in the evening: chồng chưa biết chuyện.",
    "Received the medical results, no follow-up needed (không cần điều trị thêm).",
]
TASKS = [
    "Gọi lại cho gia đình / call the family back",
    "Hẹn khám sức khỏe tổng quát",
    "Nộp hồ sơ xác định nạn nhân cho Công an",
    "Xin giấy thông hành qua Đại sứ quán",
    "Follow-up visit 3 months after return",
    "Hỗ trợ làm lại căn cước (lost ID card)",
    "Check school re-enrolment",
    "Liên hệ trợ giúp pháp lý về tiền lương bị nợ",
]
CLOSURES = [
    "Đã tái hòa nhập cộng đồng, không cần hỗ trợ thêm. Reintegrated, no further support needed.",
    "Người được hỗ trợ không muốn tiếp tục; told how to reach us again.",
    "Mất liên lạc sau 3 lần gọi và 1 lần đến nhà. Lost contact.",
    "Not trafficking after all: labour dispute, referred to the labour inspectorate.",
]
CLOSED_REFERRED = [
    "Chuyển cho Shelter HN hỗ trợ lâu dài. Handed over to the shelter.",
    "Transferred to the province's social protection centre (trung tâm CTXH tỉnh).",
]
REFERRAL_DETAILS = [
    "Cần chỗ ở an toàn và hỗ trợ tâm lý; người được hỗ trợ đồng ý chuyển tuyến.",
    "Needs shelter and counselling after return, ideally within the week.",
    "Về quê {province}; please follow up locally and help with vocational training.",
]
DECLINES = [
    "Hết chỗ trong tháng này (shelter full); please try the provincial centre.",
    "Shelter chỉ nhận nữ và trẻ em; suggest the men's programme in the province.",
]
ACCEPTS = ["Đã tiếp nhận, sắp xếp phòng. Intake on arrival.", "Accepted; case conference Monday."]
COMPLETIONS = ["Hoàn thành hỗ trợ 3 tháng, đã về với gia đình.", "Support plan completed."]
INCOMING = [
    "Bộ đội Biên phòng tỉnh {province}",
    "Công an tỉnh {province}",
    "Đại sứ quán Việt Nam tại {capital}",
    "Hội Liên hiệp Phụ nữ huyện (Women's Union)",
]
CAPITALS = {"KH": "Phnom Penh", "LA": "Viêng Chăn", "MM": "Yangon", "TH": "Bangkok"}
CAPITALS |= {"CN": "Bắc Kinh", "MY": "Kuala Lumpur", "VN": "Hà Nội"}
