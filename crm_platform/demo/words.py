"""The vocabulary demo records are made of."""

GIVEN_NAMES = (
    "Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam",
    "Maria", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Samuel", "Tara", "Umar", "Vera", "William",
    "Ximena", "Yusuf", "Zoe", "Amir", "Beatriz", "Carlos", "Dana", "Emil", "Fatima", "Gustav", "Hana",
    "Ivan", "Julia", "Karan", "Lucia", "Marek", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas",
    "Ulla", "Viktor", "Wen", "Yara", "Zain", "Alice", "Bruno", "Clara", "Daniel", "Eva", "Felix",
)
FAMILY_NAMES = (
    "Schmidt", "Nguyen", "Garcia", "Okafor", "Kowalski", "Rossi", "Tanaka", "Johnson", "Novak", "Silva",
    "Haddad", "Larsen", "Murphy", "Dubois", "Kim", "Patel", "Fischer", "Moreau", "Costa", "Ivanova",
    "Jensen", "Lopez", "Mensah", "Ahmed", "Berg", "Chen", "Eriksson", "Fernandes", "Gruber", "Hughes",
    "Ito", "Keller", "Lindqvist", "Meyer", "Nowak", "O'Brien", "Petrov", "Quist", "Romero", "Sato",
    "Torres", "Urban", "Vargas", "Walsh", "Yilmaz", "Zimmermann", "Adeyemi", "Becker", "Castillo", "Dahl",
)
COMPANY_WORDS = (
    "Northwind", "Bluebird", "Granite", "Helix", "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus",
    "Orchard", "Pioneer", "Quarry", "Redwood", "Summit", "Tidewater", "Umbra", "Vantage", "Willow",
    "Zephyr", "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember", "Fjord", "Harbor", "Ironbark", "Kestrel",
)
COMPANY_KINDS = {
    "Software": ("Labs", "Software", "Systems", "Cloud"),
    "Manufacturing": ("Works", "Industries", "Fabrication", "Components"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport"),
    "Healthcare": ("Health", "Clinics", "Medical", "Care"),
    "Finance": ("Capital", "Partners", "Advisors", "Finance"),
    "Retail": ("Market", "Stores", "Outfitters", "Goods"),
    "Construction": ("Builders", "Construction", "Contractors", "Homes"),
    "Education": ("Academy", "Learning", "Institute", "Tutors"),
}
COMPANY_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001-5000")
COMPANY_TAGS = ("key account", "partner", "supplier", "prospect", "reseller")
JOB_TITLES = (
    "CEO", "CTO", "CFO", "Head of Sales", "Sales Manager", "Account Executive", "Marketing Manager",
    "Operations Manager", "Procurement Lead", "Office Manager", "Product Manager", "Software Engineer",
    "HR Business Partner", "Customer Success Manager", "Finance Controller", "Project Manager",
)
CONTACT_TAGS = ("vip", "newsletter", "decision maker", "trade show", "webinar", "churn risk", "referral")
SOURCES = ("website", "referral", "trade show", "linkedin", "import", "cold outreach")
STAGES = ("lead", "prospect", "customer", "former")
STAGE_WEIGHTS = (40, 25, 30, 5)
PERSONAL_DOMAINS = ("mail.example.com", "post.example.net", "inbox.example.org")
# Numbering plans with ranges set aside for fiction or tests, valid for phonenumbers.
PHONE_PLANS = (
    ("+1212555", 4), ("+1415555", 4), ("+1617555", 4), ("+4420794", 5), ("+4930901", 4),
)
ACTIVITY_SUBJECTS = {
    "call": ("Intro call", "Pricing questions", "Renewal check-in", "Follow-up call", "Support escalation"),
    "meeting": ("Quarterly review", "Product demo", "On-site visit", "Kick-off meeting", "Contract walkthrough"),
    "email": ("Proposal sent", "Re: onboarding", "Invoice question", "Meeting notes", "Case study"),
    "note": ("Prefers email over phone", "Budget approved for Q3", "Evaluating two vendors", "Met at the expo"),
    "social_message": ("LinkedIn message", "Reply on X", "Comment on our post", "Direct message"),
    "task": ("Send the quote", "Prepare the demo", "Update the contract", "Check payment status"),
    "follow_up": ("Follow up on the proposal", "Call back about pricing", "Ask for a referral", "Check in"),
}
CHANNELS = {"call": "phone", "meeting": "in person", "email": "email", "social_message": "linkedin"}
TEAMS = ("East", "West")
