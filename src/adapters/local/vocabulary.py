"""The offline tagger's controlled vocabulary: expertise domains and specialties, directory style.

Each entry is a tag as an expert directory would show it ("tax law", "small animal surgery").
The local tagger prefers these over free keyphrases, so most tags come from this list.
Grouped by field for the reader; the tagger uses the flat ``VOCABULARY``.
"""

from __future__ import annotations

# Kept compact: one tag per line would make this list three times as long.
# fmt: off
DOMAINS: dict[str, tuple[str, ...]] = {
    # Broad fields: the tag of last resort when a profile names nothing more specific.
    "fields": (
        "law", "finance", "marketing", "sales", "design", "writing", "editing", "proofreading",
        "copyediting", "engineering", "veterinary", "web research",
    ),
    "law": (
        "corporate law", "contract law", "commercial contracts", "employment law", "labor law",
        "intellectual property", "patent law", "trademark law", "copyright law", "litigation",
        "commercial litigation", "dispute resolution", "arbitration", "mediation", "family law",
        "divorce law", "estate planning", "wills and trusts", "probate", "real estate law",
        "criminal defense", "personal injury law", "bankruptcy law", "securities law",
        "mergers and acquisitions", "venture capital law", "privacy law", "data protection",
        "gdpr compliance", "regulatory compliance", "healthcare law", "environmental law",
        "energy law", "antitrust law", "international trade law", "legal research",
        "legal writing", "contract drafting", "startup law", "entertainment law", "nonprofit law",
        "insurance law", "construction law", "legal operations",
    ),
    "immigration": (
        "immigration law", "work visas", "h-1b visas", "green cards", "family immigration",
        "asylum", "citizenship and naturalization", "investor visas", "deportation defense",
        "global mobility",
    ),
    "tax": (
        "tax law", "tax planning", "corporate tax", "international tax", "tax compliance",
        "r&d tax credits", "sales tax", "transfer pricing", "irs audits", "tax controversy",
        "individual tax returns", "tax preparation", "estate tax", "payroll tax", "vat",
        "cross-border tax",
    ),
    "accounting": (
        "accounting", "bookkeeping", "financial reporting", "auditing", "forensic accounting",
        "cost accounting", "management accounting", "gaap", "ifrs", "payroll", "accounts payable",
        "accounts receivable", "quickbooks", "xero", "cpa services", "internal controls",
        "nonprofit accounting",
    ),
    "finance": (
        "corporate finance", "financial modeling", "financial planning", "fp&a", "valuation",
        "investment banking", "private equity", "venture capital", "startup fundraising",
        "wealth management", "retirement planning", "personal finance", "portfolio management",
        "asset management", "hedge funds", "risk management", "credit risk", "banking", "fintech",
        "payments", "insurance", "actuarial science", "mortgage lending", "real estate finance",
        "due diligence", "capital markets", "equity research", "quantitative finance",
        "cfo services", "cash flow management", "budgeting", "financial analysis",
        "investor relations", "microfinance", "fractional cfo",
    ),
    "crypto": (
        "blockchain", "cryptocurrency", "smart contracts", "defi", "nfts", "web3", "tokenomics",
        "crypto trading", "bitcoin", "ethereum", "solidity", "crypto regulation", "digital assets",
    ),
    "medicine": (
        "internal medicine", "family medicine", "primary care", "pediatrics", "cardiology",
        "oncology", "dermatology", "neurology", "psychiatry", "radiology", "orthopedics",
        "sports medicine", "emergency medicine", "surgery", "anesthesiology", "obstetrics",
        "gynecology", "endocrinology", "diabetes care", "gastroenterology", "infectious disease",
        "public health", "epidemiology", "telemedicine", "nursing", "nurse practitioner",
        "women's health", "geriatrics", "palliative care", "physical therapy",
        "occupational therapy", "speech therapy", "dentistry", "orthodontics", "optometry",
        "pharmacy", "clinical research", "clinical trials", "medical devices",
        "healthcare administration", "healthcare consulting", "medical billing", "medical coding",
        "health informatics", "digital health", "medical writing", "nutrition", "dietetics",
        "chronic disease management", "wound care",
    ),
    "mental health": (
        "mental health", "psychotherapy", "clinical psychology", "counseling",
        "cognitive behavioral therapy", "addiction treatment", "child psychology",
        "trauma therapy", "couples therapy", "workplace wellbeing",
    ),
    "wellness": (
        "fitness coaching", "personal training", "yoga", "sports nutrition", "wellness coaching",
        "life coaching", "executive coaching", "career coaching",
    ),
    "veterinary": (
        "veterinary medicine", "veterinary surgery", "small animal surgery", "orthopedic surgery",
        "soft tissue surgery", "veterinary anesthesia", "animal health", "equine medicine",
        "exotic animal medicine", "livestock health", "veterinary dentistry", "animal behavior",
        "pet nutrition", "veterinary practice management",
    ),
    "biotech": (
        "biotechnology", "drug discovery", "drug development", "pharmaceuticals", "genomics",
        "bioinformatics", "molecular biology", "immunology", "gene therapy", "cell therapy",
        "regulatory affairs", "fda regulation", "life sciences", "biostatistics",
        "laboratory research", "protein engineering", "microbiology", "neuroscience",
        "pharmacology", "toxicology",
    ),
    "software": (
        "software engineering", "software development", "web development", "frontend development",
        "backend development", "full-stack development", "mobile app development",
        "ios development", "android development", "api development", "microservices",
        "cloud computing", "cloud architecture", "aws", "azure", "google cloud", "devops",
        "kubernetes", "docker", "ci/cd", "site reliability engineering", "system design",
        "software architecture", "databases", "sql", "postgresql", "javascript", "typescript",
        "react", "angular", "vue.js", "node.js", "python", "java", "c#", ".net", "php",
        "ruby on rails", "golang", "rust", "c++", "wordpress", "shopify development",
        "html and css", "game development", "embedded systems", "firmware", "iot",
        "quality assurance", "test automation", "technical writing", "open source", "saas",
        "erp systems", "salesforce", "crm systems", "it consulting", "it support",
        "systems administration", "network administration", "linux", "legacy modernization",
        "low-code development", "technical leadership", "agile coaching", "scrum",
    ),
    "data and ml": (
        "machine learning", "deep learning", "artificial intelligence", "data science",
        "data engineering", "data analysis", "data analytics", "data visualization",
        "business intelligence", "natural language processing", "computer vision",
        "large language models", "generative ai", "mlops", "recommendation systems",
        "predictive modeling", "demand forecasting", "time series forecasting", "statistics",
        "big data", "data pipelines", "data warehousing", "etl", "tableau", "power bi", "excel",
        "r programming", "pytorch", "tensorflow", "reinforcement learning", "ai ethics",
        "ai strategy", "data governance", "web scraping", "operations research",
    ),
    "cybersecurity": (
        "cybersecurity", "information security", "penetration testing", "ethical hacking",
        "network security", "cloud security", "application security", "security compliance",
        "soc 2", "iso 27001", "incident response", "threat intelligence", "digital forensics",
        "identity and access management", "vulnerability management", "security architecture",
        "risk assessment", "hipaa compliance", "pci compliance", "zero trust",
    ),
    "marketing": (
        "digital marketing", "content marketing", "social media marketing", "seo",
        "search engine marketing", "ppc advertising", "google ads", "facebook ads",
        "email marketing", "marketing automation", "growth marketing", "performance marketing",
        "brand strategy", "branding", "product marketing", "marketing strategy",
        "influencer marketing", "affiliate marketing", "public relations", "communications",
        "market research", "marketing analytics", "conversion rate optimization", "copywriting",
        "content writing", "content strategy", "b2b marketing", "event marketing",
        "community management", "video marketing", "internet marketing", "lead generation",
        "go-to-market strategy", "crisis communications", "a/b testing", "paid social advertising",
        "fractional cmo",
    ),
    "sales": (
        "sales strategy", "b2b sales", "enterprise sales", "saas sales", "inside sales",
        "sales operations", "sales training", "business development", "account management",
        "customer success", "partnerships", "channel sales", "negotiation", "revenue operations",
        "retail sales", "customer service", "customer support", "telemarketing", "cold calling",
    ),
    "design": (
        "ux design", "ui design", "user research", "product design", "interaction design",
        "graphic design", "visual design", "logo design", "brand identity", "web design",
        "illustration", "motion graphics", "animation", "3d modeling", "industrial design",
        "fashion design", "interior design", "design systems", "usability testing",
        "accessibility", "prototyping", "figma", "adobe photoshop", "adobe illustrator",
        "presentation design", "packaging design", "print design", "game design",
    ),
    "media": (
        "video production", "video editing", "photography", "photo editing", "audio production",
        "music production", "voice over", "podcasting", "film production", "journalism",
        "editing and proofreading", "ghostwriting", "creative writing", "blog writing",
        "article writing", "academic writing", "grant writing", "resume writing", "translation",
        "localization", "transcription", "publishing", "screenwriting", "technical documentation",
    ),
    "product and strategy": (
        "product management", "product strategy", "product roadmapping", "product discovery",
        "product analytics", "project management", "program management",
        "agile project management", "management consulting", "business strategy",
        "strategic planning", "operations management", "process improvement", "lean six sigma",
        "change management", "business analysis", "entrepreneurship", "startup advisory",
        "small business consulting", "digital transformation", "innovation management",
        "pricing strategy", "competitive analysis", "business plans", "virtual assistance",
        "administrative support", "data entry", "event planning",
    ),
    "hr": (
        "human resources", "recruiting", "talent acquisition", "executive search",
        "technical recruiting", "hr consulting", "compensation and benefits", "employee relations",
        "organizational development", "leadership development", "learning and development",
        "diversity and inclusion", "performance management", "workforce planning", "hr compliance",
        "onboarding", "employer branding", "people operations", "remote work", "team building",
    ),
    "real estate": (
        "real estate", "residential real estate", "commercial real estate",
        "real estate investing", "property management", "real estate development",
        "real estate brokerage", "home staging", "real estate appraisal", "mortgage brokerage",
        "land use", "urban planning", "affordable housing", "facilities management",
        "short-term rentals",
    ),
    "architecture and construction": (
        "architecture", "residential architecture", "sustainable architecture",
        "landscape architecture", "construction management", "civil engineering",
        "structural engineering", "building information modeling", "autocad",
        "mechanical engineering", "electrical engineering", "hvac", "building codes",
        "project estimation", "historic preservation",
    ),
    "engineering and manufacturing": (
        "manufacturing", "lean manufacturing", "quality management", "industrial engineering",
        "product development", "hardware engineering", "robotics", "automation",
        "aerospace engineering", "automotive industry", "chemical engineering",
        "materials science", "cad design", "3d printing", "electronics design", "pcb design",
        "semiconductors", "telecommunications",
    ),
    "supply chain": (
        "supply chain", "supply chain management", "supply chain optimization", "logistics",
        "inventory management", "procurement", "strategic sourcing", "warehousing",
        "transportation management", "freight", "import and export", "customs compliance",
        "demand planning", "vendor management", "last-mile delivery", "fleet management",
    ),
    "climate and energy": (
        "climate change", "climate tech", "renewable energy", "solar energy", "wind energy",
        "energy efficiency", "energy storage", "carbon accounting", "carbon markets", "esg",
        "sustainability", "sustainability reporting", "environmental consulting",
        "circular economy", "electric vehicles", "oil and gas", "utilities", "power systems",
        "water management", "environmental science", "climate risk", "green building",
    ),
    "agriculture and food": (
        "agriculture", "agronomy", "precision agriculture", "sustainable farming", "agtech",
        "food science", "food safety", "livestock management", "horticulture", "soil science",
        "aquaculture", "forestry", "food and beverage", "restaurant management", "culinary arts",
        "wine industry",
    ),
    "education": (
        "education", "curriculum development", "instructional design", "e-learning", "edtech",
        "higher education", "k-12 education", "tutoring", "test preparation", "language teaching",
        "english as a second language", "special education", "early childhood education",
        "academic research", "corporate training", "education policy", "online course creation",
    ),
    "nonprofit and public sector": (
        "nonprofit management", "fundraising", "grant management", "donor relations",
        "major gifts", "capital campaigns", "philanthropy", "social impact", "impact investing",
        "volunteer management", "community development", "international development",
        "public policy", "government relations", "lobbying", "public administration",
        "political campaigns", "humanitarian aid", "board governance",
    ),
    "commerce and hospitality": (
        "e-commerce", "amazon fba", "dropshipping", "retail", "merchandising", "consumer goods",
        "franchising", "hospitality", "hotel management", "tourism", "travel planning",
        "luxury goods", "marketplaces", "subscription business",
    ),
}
# fmt: on


def _flatten(domains: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for entries in domains.values():
        for entry in entries:
            seen.setdefault(entry, None)
    return tuple(seen)


VOCABULARY: tuple[str, ...] = _flatten(DOMAINS)
BROAD_FIELDS: frozenset[str] = frozenset(DOMAINS["fields"])


# --- words that never make a free keyphrase -------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a about above across after again against all almost along also although always am among an
    and another any anyone anything are around as at be became because been before being below
    between both but by can cannot could did do does doing done down during each either else
    etc even ever every few for from further had has have having he her here hers herself him
    himself his how however i i'd i'm i've if in into is it it's its itself just let like may me
    might mine more most much must my myself neither no nor not now of off often on once one only
    or other others otherwise our ours ourselves out over own per rather same several she should
    since so some such than that the their theirs them themselves then there these they this
    those though through thus to too toward towards under until up upon us very via was we we're
    well were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours yourself e.g i.e vs
    """
)

# Words that describe a career rather than a field: "years", "experience", "clients", "help"...
GENERIC_WORDS = _words(
    """
    year years month months day days decade decades time experience experiences experienced
    client clients customer customers people person company companies business businesses
    organization organizations organisation organisations firm firms team teams
    help helps helping helped work works working worked job jobs role roles career careers
    project projects service services solution solutions result results success successful
    background track record field fields industry industries area areas sector sectors
    expert expertise experts specialist specialists specialize specialise specializing
    specialising specialized specialised specialty speciality professional professionals
    passion passionate love dedicated committed driven proven strong skilled highly deep broad
    senior junior lead leading leader head chief principal former current currently previously
    certified licensed board-certified accredited registered award-winning
    provide provides providing provided offer offers offering offered deliver delivers
    delivering build builds building built create creates creating make makes making use uses
    using used advise advises advising advised support supports supporting supported consult
    consults consulting consulted focus focuses focused focusing based include includes
    including ensure ensures ensuring stay stays want need needs get gets good great best
    new various many multiple different top high large small-to-medium world worldwide global
    things thing way ways everything something range variety level levels across also today
    founder founders owner owners startup startups hands-on end-to-end day-to-day full
    guru ninja rockstar superstar wizard enthusiast extensive extensively pro freelance
    mr mrs ms dr phd mba md llm jd cpa hello hi thanks thank please contact email phone website
    """
)

# Job roles: a directory tags the field ("tax law"), not the person ("tax attorney").
ROLE_WORDS = _words(
    """
    attorney attorneys lawyer lawyers consultant consultants engineer engineers developer
    developers manager managers director directors advisor advisors adviser advisers officer
    officers analyst analysts designer designers writer writers coach coaches scientist
    scientists practitioner practitioners surgeon surgeons nurse nurses broker brokers agent
    agents recruiter recruiters freelancer freelancers assistant assistants associate associates
    partner partners president vp ceo cto cfo coo cmo founder cofounder co-founder executive
    executives teacher teachers tutor tutors trainer trainers therapist therapists physician
    physicians doctor doctors veterinarian veterinarians vet accountant accountants bookkeeper
    strategist strategists marketer marketers researcher researchers architect architects
    planner planners editor editors owner specialist generalist contractor contractors
    animator animators translator translators interpreter interpreters illustrator illustrators
    videographer videographers photographer photographers programmer programmers copywriter
    copywriters blogger bloggers transcriptionist proofreader proofreaders administrator
    administrators technician technicians instructor instructors professor lecturer mentor
    counselor counsellor auditor auditors investor investors entrepreneur entrepreneurs author
    authors artist artists producer producers actor actress singer musician composer
    representative rep clerk secretary receptionist paralegal pharmacist dentist psychologist
    psychiatrist nutritionist dietitian chef trader traders modeler modeller physicist chemist
    biologist economist statistician mathematician employee staff worker workers
    """
)

# A role names its field: "tax lawyer" is evidence for "tax law", "web developer" for
# "web development". Applied when matching vocabulary entries and building keyphrases.
ROLE_TO_FIELD: dict[str, str] = {
    "accountant": "accounting",
    "administrator": "administration",
    "analyst": "analysis",
    "animator": "animation",
    "architect": "architecture",
    "attorney": "law",
    "auditor": "auditing",
    "blogger": "blog",
    "bookkeeper": "bookkeeping",
    "broker": "brokerage",
    "coach": "coaching",
    "consultant": "consulting",
    "copywriter": "copywriting",
    "dentist": "dentistry",
    "designer": "design",
    "developer": "development",
    "dietitian": "dietetics",
    "economist": "economics",
    "editor": "editing",
    "engineer": "engineering",
    "illustrator": "illustration",
    "investor": "investing",
    "lawyer": "law",
    "manager": "management",
    "marketer": "marketing",
    "nurse": "nursing",
    "nutritionist": "nutrition",
    "pharmacist": "pharmacy",
    "photographer": "photography",
    "physician": "medicine",
    "planner": "planning",
    "programmer": "programming",
    "proofreader": "proofreading",
    "psychiatrist": "psychiatry",
    "psychologist": "psychology",
    "recruiter": "recruiting",
    "researcher": "research",
    "scientist": "science",
    "statistician": "statistics",
    "strategist": "strategy",
    "surgeon": "surgery",
    "teacher": "teaching",
    "therapist": "therapy",
    "trader": "trading",
    "trainer": "training",
    "transcriptionist": "transcription",
    "translator": "translation",
    "tutor": "tutoring",
    "vet": "veterinary",
    "veterinarian": "veterinary",
    "writer": "writing",
}

# Abbreviations a bio uses for a vocabulary entry ("NLP pipelines" names "natural language
# processing"); applied to the text before matching entries.
ALIASES: dict[str, str] = {
    "ai": "artificial intelligence",
    "bi": "business intelligence",
    "cbt": "cognitive behavioral therapy",
    "cpg": "consumer goods",
    "cro": "conversion rate optimization",
    "crm": "crm systems",
    "ecommerce": "e-commerce",
    "erp": "erp systems",
    "esl": "english as a second language",
    "ev": "electric vehicles",
    "fba": "amazon fba",
    "gcp": "google cloud",
    "genai": "generative ai",
    "hr": "human resources",
    "ip": "intellectual property",
    "k8s": "kubernetes",
    "llms": "large language models",
    "m&a": "mergers and acquisitions",
    "ml": "machine learning",
    "nlp": "natural language processing",
    "nodejs": "node.js",
    "postgres": "postgresql",
    "ppc": "ppc advertising",
    "pr": "public relations",
    "qa": "quality assurance",
    "realtor": "real estate",
    "react.js": "react",
    "reactjs": "react",
    "sem": "search engine marketing",
    "smm": "social media marketing",
    "sre": "site reliability engineering",
    "vc": "venture capital",
    "vue": "vue.js",
    "vuejs": "vue.js",
}

# Head words shared by whole families of entries: "industrial engineering" is no closer to a
# "machine learning engineer" for sharing "engineering" (stems, as the tagger compares them).
BROAD_WORDS = _words(
    """
    administration analysis consulting design development engineering law management marketing
    operations planning research science service strategy support system technology writing
    """
)

# Verbs of a bio's sentences ("deploy", "raise", "navigate"): a keyphrase holding one is a clause.
VERBS = _words(
    """
    achieve assist automate boost collaborate cut deploy develop drive enable execute fill
    filled grow guide handle hire implement improve increase join joined launch maintain manage
    measure mentor navigate negotiate optimise optimize oversee prepare raise raised reduce
    represent representing run scale serve set solve streamline teach transform write wrote
    """
)

# Past participles that do belong in domain terms ("embedded systems", "applied ai").
PARTICIPLES = _words("embedded distributed applied automated managed advanced connected regulated")
