"""Vocabulary of the generated sample directory: domains, names and places.

Pure data, written by hand for this project (no third-party data set). Lists are semicolon-separated
strings so a domain reads like a profile brief. Order matters: the generator draws from these
tuples with a seeded ``random.Random``, so editing them changes the sample data for every seed.

Placeholders filled by the generator: ``{last}``/``{last2}`` (surnames, in company names) and
``{n}`` (a count), ``{m}`` (millions of dollars), ``{pct}`` (a percentage) in achievements.
Achievements complete "I have ..." / "<name> has ...".
"""

from __future__ import annotations

from dataclasses import dataclass


def _items(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


@dataclass(frozen=True, slots=True)
class Domain:
    """One area of expertise; ``name`` is the sample rows' ``category``."""

    name: str
    weight: float  # relative share of the directory
    rate: tuple[int, int]  # typical hourly rate range, USD
    titles: tuple[str, ...]
    specialties: tuple[str, ...]
    companies: tuple[str, ...]
    employers: tuple[str, ...]
    clients: tuple[str, ...]
    credentials: tuple[str, ...]
    industries: tuple[str, ...]
    achievements: tuple[str, ...]
    tools: tuple[str, ...]


def _domain(name: str, weight: float, rate: tuple[int, int], **lists: str) -> Domain:
    return Domain(name, weight, rate, **{key: _items(value) for key, value in lists.items()})


DOMAINS: tuple[Domain, ...] = (
    _domain(
        "Law",
        1.3,
        (250, 750),
        titles="Corporate Attorney; Commercial Contracts Lawyer; Fractional General Counsel;"
        "Corporate and Securities Partner; Employment Lawyer; Litigation Counsel",
        specialties="venture financings; mergers and acquisitions; commercial contracts;"
        "SaaS licensing agreements; shareholder agreements; employment law;"
        "data privacy compliance; intellectual property licensing; commercial litigation;"
        "corporate governance",
        companies="{last} & {last2} LLP; {last} Law Group; {last} Legal PLLC; Harborview Legal;"
        "Counsel on Demand; Northgate Law Partners",
        employers="an Am Law 100 firm; a boutique M&A firm in New York;"
        "the legal team of a public software company; a state appellate court;"
        "a Magic Circle firm in London; the legal department of a global bank",
        clients="seed-stage founders; venture-backed SaaS companies; family-owned manufacturers;"
        "private equity sponsors; cross-border e-commerce brands; non-profit boards",
        credentials="a JD from Georgetown Law; admission to the New York and California bars;"
        "a JD and an LLM in taxation; the CIPP/US privacy certification;"
        "admission to the bar of England and Wales",
        industries="software; life sciences; consumer goods; media and entertainment;"
        "manufacturing; financial services",
        achievements="closed more than {n} venture financings;"
        "negotiated over {n}0 enterprise SaaS agreements;"
        "guided {n} founders through company formation and first hires;"
        "represented buyers and sellers in deals worth over ${m} million;"
        "won summary judgment in a multi-state contract dispute;"
        "built the contract playbook for a {n}-person sales team",
        tools="Ironclad; DocuSign CLM; term sheet benchmarks; clause libraries; Carta;"
        "e-discovery platforms",
    ),
    _domain(
        "Tax",
        1.2,
        (150, 500),
        titles="Tax Advisor; International Tax Manager; Senior Tax Consultant; Enrolled Agent;"
        "Tax Partner; State and Local Tax Specialist",
        specialties="R&D tax credits; international tax structuring; transfer pricing;"
        "sales tax nexus; state and local tax; IRS audit defense; cross-border tax planning;"
        "estate and gift tax; startup tax compliance; VAT and GST",
        companies="{last} Tax Advisors; {last} & {last2} CPAs; Ledgerline Tax;"
        "Meridian Tax Partners; Creditwise R&D; Bluepeak Tax Group",
        employers="a Big Four accounting firm; the IRS Large Business and International division;"
        "a global tax practice in Chicago; the tax department of a Fortune 500 retailer;"
        "a regional CPA firm; a transfer pricing boutique",
        clients="venture-backed startups; e-commerce sellers; multinational groups entering the US;"
        "high-net-worth families; biotech companies with heavy R&D spend; real estate investors",
        credentials="the CPA license; an LLM in taxation from NYU; Enrolled Agent status;"
        "the Chartered Tax Adviser qualification; a Master of Taxation",
        industries="software; life sciences; e-commerce; manufacturing; real estate; hospitality",
        achievements="secured more than ${m} million in R&D tax credits for clients;"
        "resolved {n} IRS examinations without penalties;"
        "set up transfer pricing policies for {n} multinational groups;"
        "cut effective tax rates by {pct}% for mid-market companies;"
        "registered a fast-growing retailer for sales tax in {n} states;"
        "built a quarterly estimated-tax process for {n} founders",
        tools="Section 41 credit studies; Form 6765; Avalara; CCH Axcess; ONESOURCE; Vertex",
    ),
    _domain(
        "Medicine",
        1.0,
        (200, 600),
        titles="Internal Medicine Physician; Cardiologist; Medical Director; Emergency Physician;"
        "Clinical Consultant; Pediatrician",
        specialties="internal medicine; cardiology; clinical trial design; telemedicine;"
        "emergency medicine; preventive care; medical expert witness work;"
        "chronic disease management; pediatrics; clinical documentation",
        companies="{last} Medical Consulting; St. Brendan's Hospital; Riverside Health Partners;"
        "CareBridge Telehealth; Summit Clinical Advisors; {last} Family Medicine",
        employers="an academic medical center; a level I trauma center;"
        "a national telehealth provider; a large multispecialty group;"
        "an international medical humanitarian organization; a veterans' hospital",
        clients="digital health startups; medical device makers;"
        "law firms needing expert opinions; hospital systems; health insurers;"
        "pharmaceutical companies",
        credentials="board certification in internal medicine; an MD from the University of Michigan;"
        "board certification in cardiology; an MPH from Johns Hopkins;"
        "fellowship training in critical care",
        industries="digital health; medical devices; pharmaceuticals; health insurance;"
        "hospital systems; clinical research",
        achievements="reviewed more than {n}0 medical malpractice cases;"
        "served as principal investigator on {n} clinical trials;"
        "designed clinical workflows for a telehealth app used by {n},000 patients;"
        "published {n} peer-reviewed papers; trained {n} residents in emergency medicine;"
        "advised {n} digital health startups on clinical safety",
        tools="Epic; Cerner; UpToDate; FHIR; REDCap; clinical decision support tools",
    ),
    _domain(
        "Veterinary",
        0.7,
        (90, 250),
        titles="Veterinarian; Veterinary Surgeon; Equine Veterinarian; Veterinary Consultant;"
        "Exotic Animal Veterinarian; Veterinary Practice Manager",
        specialties="small animal medicine; equine medicine; veterinary surgery; exotic pets;"
        "livestock herd health; veterinary practice management; animal nutrition;"
        "veterinary dermatology; shelter medicine; pet telehealth",
        companies="{last} Animal Hospital; Greenfield Veterinary Clinic; Paws & Claws Veterinary;"
        "Countryside Equine Services; VetLink Consulting; {last} Mobile Vet",
        employers="a 24-hour emergency animal hospital; a university veterinary teaching hospital;"
        "a corporate veterinary group; a dairy cooperative; a municipal animal shelter;"
        "a zoo's animal health department",
        clients="independent veterinary practices; pet food brands; horse owners and trainers;"
        "dairy and beef producers; pet insurance companies; animal shelters",
        credentials="a DVM from Cornell; board certification in veterinary surgery;"
        "a DVM and an MS in animal nutrition; Fear Free certification;"
        "certification in veterinary acupuncture",
        industries="companion animals; equine; dairy; pet food; animal health pharmaceuticals;"
        "pet insurance",
        achievements="performed more than {n}00 soft-tissue surgeries;"
        "helped {n} clinics improve appointment utilization;"
        "designed vaccination protocols for herds of over {n}00 head;"
        "reviewed {n} pet food formulations for nutritional adequacy;"
        "launched a pet telehealth service for a regional hospital group;"
        "reduced euthanasia at a county shelter by {pct}%",
        tools="AVImark; ezyVet; digital radiography; ultrasound; herd health software;"
        "telehealth triage",
    ),
    _domain(
        "Software Engineering",
        1.6,
        (90, 250),
        titles="Senior Software Engineer; Staff Engineer; Backend Engineer; Full-Stack Developer;"
        "Fractional CTO; DevOps Engineer; Mobile Developer",
        specialties="distributed systems; Python backend development; React front ends;"
        "cloud architecture on AWS; Kubernetes; API design; legacy system modernization;"
        "iOS and Android apps; CI/CD pipelines; performance tuning",
        companies="{last} Software; Brightloop Labs; Stackwise; Northwind Digital;"
        "Coderidge Consulting; {last} & {last2} Engineering",
        employers="a Series C fintech; a large e-commerce marketplace;"
        "a cloud infrastructure provider; a healthcare SaaS company; a video streaming platform;"
        "an open-source database company",
        clients="early-stage startups; mid-size SaaS companies; banks modernizing core systems;"
        "logistics companies; media companies; government digital services",
        credentials="the AWS Certified Solutions Architect credential; a BSc in Computer Science;"
        "the Certified Kubernetes Administrator certification; an MSc in Software Engineering;"
        "the Google Cloud Professional Cloud Architect certification",
        industries="fintech; e-commerce; healthcare; logistics; media; SaaS",
        achievements="scaled an API to {n},000 requests per second;"
        "migrated a monolith to {n} services without downtime; cut cloud costs by {pct}%;"
        "led a team of {n} engineers through a platform rewrite;"
        "shipped {n} mobile apps to the App Store and Google Play;"
        "maintained an open-source library with {n},000 weekly downloads",
        tools="Python; Go; TypeScript; PostgreSQL; Terraform; Kafka",
    ),
    _domain(
        "Data Science & Machine Learning",
        1.4,
        (120, 300),
        titles="Data Scientist; Machine Learning Engineer; Head of Data; NLP Engineer;"
        "Analytics Consultant; MLOps Engineer",
        specialties="machine learning; natural language processing; recommendation systems;"
        "demand forecasting; computer vision; MLOps; A/B testing; large language models;"
        "data engineering; causal inference",
        companies="{last} Analytics; Signal & Noise Labs; Vectorwise AI; Datacraft Partners;"
        "Inferential Consulting; {last} Data Co.",
        employers="a ride-sharing company's pricing team; a global retailer's personalization group;"
        "a quantitative hedge fund; an AI research lab;"
        "a health insurer's analytics department; a travel booking platform",
        clients="retailers; marketplaces; insurers; B2B SaaS companies; healthcare providers;"
        "media publishers",
        credentials="a PhD in statistics; an MS in computer science with a focus on machine learning;"
        "the Google Professional Machine Learning Engineer certification; a PhD in physics;"
        "the AWS Machine Learning Specialty certification",
        industries="retail; insurance; healthcare; advertising; travel; finance",
        achievements="built forecasting models that cut inventory waste by {pct}%;"
        "deployed {n} machine learning models to production;"
        "designed an experimentation platform running {n} A/B tests a month;"
        "fine-tuned large language models for customer support;"
        "raised recommendation click-through by {pct}%;"
        "published {n} papers at machine learning workshops",
        tools="PyTorch; scikit-learn; Spark; dbt; Snowflake; MLflow",
    ),
    _domain(
        "Marketing",
        1.3,
        (75, 200),
        titles="Growth Marketer; Digital Marketing Consultant; SEO Specialist; Content Strategist;"
        "Fractional CMO; Performance Marketing Manager",
        specialties="SEO; content marketing; paid social advertising; Google Ads; email marketing;"
        "brand strategy; product marketing; go-to-market strategy; marketing analytics;"
        "influencer marketing",
        companies="{last} Growth; Brightside Marketing; Loudhouse Agency; Funnelcraft;"
        "North Star Media; {last} & {last2} Communications",
        employers="a global advertising agency; a direct-to-consumer skincare brand;"
        "a B2B SaaS unicorn; a consumer electronics company; a digital media publisher;"
        "a travel marketplace",
        clients="DTC brands; B2B SaaS startups; local service businesses; mobile apps;"
        "consumer packaged goods brands; nonprofits",
        credentials="Google Ads certification; HubSpot Inbound Marketing certification;"
        "an MBA in marketing; Meta Blueprint certification; the Chartered Marketer designation",
        industries="consumer goods; software; travel; hospitality; education technology; retail",
        achievements="grown organic traffic by {pct}% in twelve months;"
        "managed more than ${m} million in annual ad spend;"
        "launched {n} products into new markets;"
        "built an email program with {n},000 subscribers;"
        "cut customer acquisition cost by {pct}%; run brand campaigns across {n} countries",
        tools="Google Analytics 4; HubSpot; Semrush; Klaviyo; Meta Ads Manager; Looker Studio",
    ),
    _domain(
        "Design",
        1.1,
        (60, 180),
        titles="Product Designer; UX Researcher; Brand Designer; UI/UX Designer; Design Lead;"
        "Service Designer",
        specialties="UX design; user research; design systems; brand identity; mobile app design;"
        "accessibility; interaction design; usability testing; packaging design; service design",
        companies="{last} Studio; Fieldnote Design; Pixel & Grain; Common Form Studio;"
        "Ordinal Design Co.; {last} + {last2} Design",
        employers="a global design consultancy; a fintech app's design team;"
        "a branding agency in Amsterdam; an e-commerce platform; a public sector digital service;"
        "a consumer electronics maker",
        clients="early-stage startups; banks; healthcare apps; consumer brands;"
        "government services; nonprofits",
        credentials="the NN/g UX Certification; a BFA in graphic design;"
        "an MA in interaction design; the CPACC accessibility certification;"
        "a certificate in service design",
        industries="fintech; healthcare; retail; public sector; education; consumer electronics",
        achievements="built a design system used by {n} product teams;"
        "run more than {n}0 usability studies;"
        "redesigned an onboarding flow that lifted activation by {pct}%;"
        "created brand identities for {n} startups;"
        "brought a banking app to WCAG 2.1 AA compliance;"
        "designed packaging for {n} consumer products",
        tools="Figma; Sketch; Adobe Illustrator; Maze; Dovetail; Framer",
    ),
    _domain(
        "Finance",
        1.2,
        (150, 450),
        titles="Fractional CFO; Financial Analyst; Investment Banker; FP&A Consultant;"
        "Corporate Finance Advisor; Private Equity Associate",
        specialties="financial modeling; fundraising strategy; FP&A; company valuation;"
        "M&A advisory; cash flow forecasting; investor relations; debt financing;"
        "unit economics; board reporting",
        companies="{last} Capital Advisors; Keystone CFO Services; Ridgeline Partners;"
        "{last} & {last2} Advisory; Clearwater Finance Group; {last} Capital",
        employers="a bulge-bracket investment bank; a mid-market private equity fund;"
        "a growth-stage venture fund; the finance team of a public SaaS company;"
        "a corporate development group; a commercial bank's leveraged finance desk",
        clients="venture-backed startups; family offices; private equity portfolio companies;"
        "founders preparing for a sale; mid-market manufacturers; fintech companies",
        credentials="the CFA charter; an MBA from Wharton; the CPA license;"
        "FINRA Series 7 and 63 licenses; the FMVA financial modeling certification",
        industries="software; healthcare; consumer goods; industrials; fintech; energy",
        achievements="helped raise more than ${m} million in venture and debt financing;"
        "built {n} investor-grade financial models;"
        "advised on M&A transactions worth ${m} million;"
        "built the FP&A function at {n} startups;"
        "prepared {n} companies for Series A and B fundraising;"
        "restructured ${m} million of debt for a mid-market manufacturer",
        tools="Excel; Anaplan; NetSuite; PitchBook; Capital IQ; Adaptive Planning",
    ),
    _domain(
        "Accounting",
        1.1,
        (80, 250),
        titles="CPA; Controller; Bookkeeper; Audit Manager; Outsourced Accountant;"
        "Forensic Accountant",
        specialties="bookkeeping; financial statement audits; month-end close;"
        "revenue recognition (ASC 606); forensic accounting; payroll accounting;"
        "QuickBooks cleanup; nonprofit accounting; lease accounting (ASC 842); internal controls",
        companies="{last} & {last2} CPAs; {last} Accounting; Balance Sheet Partners; Clearledger;"
        "Tallybrook Accounting; {last} Bookkeeping",
        employers="a Big Four audit practice; a regional CPA firm;"
        "the controller's office of a public company; a forensic accounting boutique;"
        "an outsourced accounting firm; a university finance office",
        clients="small businesses; startups preparing for their first audit; nonprofits;"
        "restaurants; law firms; property managers",
        credentials="the CPA license; the Certified Fraud Examiner credential;"
        "a Master of Accountancy; the Certified Management Accountant credential;"
        "QuickBooks ProAdvisor certification",
        industries="restaurants; professional services; nonprofits; construction; retail; software",
        achievements="cut the month-end close from {n} days to five;"
        "prepared {n} companies for their first financial statement audit;"
        "uncovered a ${m} million embezzlement scheme in a forensic review;"
        "implemented ASC 606 for {n} subscription businesses;"
        "cleaned up {n} years of books for a fast-growing retailer;"
        "built internal controls for a company preparing to go public",
        tools="QuickBooks Online; Xero; NetSuite; Bill.com; Excel; Sage Intacct",
    ),
    _domain(
        "Real Estate",
        1.0,
        (100, 300),
        titles="Real Estate Broker; Commercial Real Estate Advisor; Property Manager;"
        "Real Estate Investment Analyst; Development Manager; Appraiser",
        specialties="commercial real estate; residential real estate; property management;"
        "real estate investment analysis; multifamily acquisitions; lease negotiation;"
        "property valuation; real estate development; 1031 exchanges; short-term rentals",
        companies="{last} Realty; {last} Property Group; Cornerstone Commercial;"
        "Keystone Property Management; Urban Nest Advisors; {last} & {last2} Real Estate",
        employers="a national commercial brokerage; a publicly traded REIT;"
        "a multifamily developer; a property management company; a mortgage lender;"
        "a city planning department",
        clients="first-time investors; family offices; retail tenants; multifamily owners;"
        "landlords; developers",
        credentials="a real estate broker license; the CCIM designation;"
        "the MAI appraisal designation; a Master of Real Estate Development;"
        "the Certified Property Manager designation",
        industries="multifamily; retail; office; industrial; hospitality; residential",
        achievements="closed more than ${m} million in commercial transactions;"
        "managed a portfolio of {n}00 residential units; negotiated {n} office and retail leases;"
        "underwritten {n} multifamily acquisitions; completed {n} 1031 exchanges for investors;"
        "led the entitlement of a {n}-acre mixed-use development",
        tools="CoStar; Argus Enterprise; Yardi; AppFolio; LoopNet; Excel pro formas",
    ),
    _domain(
        "Supply Chain",
        1.0,
        (100, 275),
        titles="Supply Chain Consultant; Logistics Manager; Procurement Lead;"
        "Operations Director; Demand Planner; Sourcing Manager",
        specialties="supply chain management; logistics; procurement; inventory optimization;"
        "demand planning; warehouse operations; global sourcing; freight and customs;"
        "supplier risk management; sales and operations planning",
        companies="{last} Supply Chain Advisors; Freightpath Consulting; Leanflow Partners;"
        "Harbor Logistics Group; Crossdock Consulting; {last} Operations",
        employers="a global third-party logistics provider; a consumer electronics manufacturer;"
        "a national grocery chain; an automotive parts supplier;"
        "a fashion retailer's sourcing office in Shenzhen; a pharmaceutical distributor",
        clients="e-commerce brands; manufacturers; food and beverage companies; retailers;"
        "medical device makers; importers",
        credentials="the APICS CSCP certification; a Six Sigma Black Belt; the CPIM certification;"
        "a master's in supply chain management; the CIPS procurement qualification",
        industries="retail; manufacturing; food and beverage; automotive;"
        "consumer electronics; pharmaceuticals",
        achievements="reduced inventory carrying costs by {pct}%;"
        "set up a supplier network across {n} countries;"
        "redesigned a warehouse network that cut delivery times by {pct}%;"
        "negotiated freight contracts worth ${m} million;"
        "implemented sales and operations planning at {n} manufacturers;"
        "moved {n} product lines from single to dual sourcing",
        tools="SAP; Oracle SCM; Kinaxis; Flexport; Blue Yonder; Excel",
    ),
    _domain(
        "Climate & Energy",
        1.0,
        (110, 300),
        titles="Sustainability Consultant; Energy Analyst; Climate Strategy Advisor;"
        "Renewable Energy Developer; Carbon Accounting Specialist; ESG Manager",
        specialties="carbon accounting; renewable energy project development; ESG reporting;"
        "energy efficiency; decarbonization strategy; solar PV; battery storage; carbon markets;"
        "climate risk assessment; power purchase agreements",
        companies="{last} Climate Partners; Greenline Energy Advisors; Carbonwise;"
        "Solstice Renewables; Tideway Sustainability; {last} Energy",
        employers="a utility-scale solar developer; a national energy laboratory;"
        "a sustainability consultancy; an electric utility; a climate-tech startup;"
        "a global bank's sustainable finance team",
        clients="manufacturers; real estate owners; climate-tech startups; municipalities;"
        "consumer brands; infrastructure investors",
        credentials="a PhD in environmental engineering; LEED AP accreditation;"
        "the GHG Protocol corporate accounting certificate; a professional engineer license;"
        "the Certified Energy Manager credential",
        industries="utilities; manufacturing; real estate; transportation; agriculture;"
        "financial services",
        achievements="developed {n}0 MW of solar and storage projects;"
        "built Scope 1, 2 and 3 inventories for {n} companies;"
        "cut energy use by {pct}% across a manufacturing portfolio;"
        "negotiated {n} corporate power purchase agreements;"
        "prepared CDP and TCFD disclosures for {n} companies;"
        "advised on carbon credit purchases worth ${m} million",
        tools="the GHG Protocol; SBTi targets; HOMER; PVsyst; Persefoni;"
        "Energy Star Portfolio Manager",
    ),
    _domain(
        "Crypto & Blockchain",
        0.8,
        (150, 450),
        titles="Blockchain Developer; Smart Contract Auditor; Crypto Compliance Consultant;"
        "Web3 Product Lead; Tokenomics Advisor; DeFi Researcher",
        specialties="smart contract development; Solidity auditing; tokenomics; DeFi protocols;"
        "crypto compliance; blockchain architecture; NFT platforms; stablecoins;"
        "layer 2 scaling; wallet and custody security",
        companies="{last} Labs; Blockforge; Chainproof Audits; Ledgerlight; Hashpoint Advisory;"
        "{last} Protocol Consulting",
        employers="a top-ten crypto exchange; a DeFi lending protocol; a blockchain security firm;"
        "a bank's digital assets desk; a layer 1 foundation; a crypto venture fund",
        clients="DeFi protocols; crypto exchanges; banks exploring digital assets;"
        "NFT marketplaces; DAO treasuries; fintech startups",
        credentials="the Certified Blockchain Expert credential; an MSc in cryptography;"
        "the Certified Cryptocurrency Investigator credential; a BSc in computer science;"
        "a law degree with a focus on financial regulation",
        industries="fintech; gaming; payments; asset management; capital markets; supply chain",
        achievements="audited {n} smart contracts securing over ${m} million;"
        "designed token models for {n} protocols;"
        "built AML and travel rule programs for {n} exchanges;"
        "shipped a layer 2 bridge to mainnet;"
        "found {n} critical vulnerabilities before mainnet launches;"
        "led a regulated stablecoin pilot with a commercial bank",
        tools="Solidity; Foundry; Hardhat; Ethereum; Chainalysis; Rust",
    ),
    _domain(
        "Education",
        1.0,
        (40, 140),
        titles="Curriculum Designer; Instructional Designer; Education Consultant; Tutor;"
        "School Leadership Coach; Learning Experience Designer",
        specialties="curriculum design; instructional design; K-12 education; online learning;"
        "special education; test preparation; teacher training; higher education strategy;"
        "STEM education; early childhood education",
        companies="{last} Learning; Brightpath Education; Lantern Tutoring; Scholarly Design Co.;"
        "Open Door Learning; {last} Academy",
        employers="a public school district; a university center for teaching and learning;"
        "an education technology company; a charter school network; a test prep company;"
        "a national education nonprofit",
        clients="school districts; edtech startups; universities; homeschooling families;"
        "corporate training teams; education nonprofits",
        credentials="a state teaching license; an EdD in educational leadership;"
        "an MEd in curriculum and instruction; an instructional design certificate;"
        "a certificate in special education",
        industries="K-12; higher education; corporate learning; edtech; early childhood;nonprofits",
        achievements="designed {n} online courses; trained more than {n}0 teachers;"
        "helped {n}0 students raise their SAT scores;"
        "rewritten a district's math curriculum for {n} schools;"
        "launched a tutoring program serving {n}00 students;"
        "led accreditation reviews for {n} programs",
        tools="Canvas; Articulate Storyline; Google Classroom; Moodle;"
        "universal design for learning; Kahoot",
    ),
    _domain(
        "HR & Recruiting",
        1.0,
        (70, 200),
        titles="HR Consultant; Technical Recruiter; People Operations Lead;"
        "Talent Acquisition Partner; Compensation Analyst; Fractional CHRO",
        specialties="technical recruiting; executive search; compensation and benefits;"
        "HR compliance; performance management; employee relations; people operations;"
        "inclusive hiring; employee onboarding; organizational design",
        companies="{last} Talent; PeopleFirst HR; Hirewell Partners; {last} Search Group;"
        "Northbound People; {last} & {last2} Consulting",
        employers="a global executive search firm; a fast-growing SaaS company's talent team;"
        "a professional employer organization; a Fortune 500 HR department;"
        "a staffing agency; a hospital system's HR team",
        clients="startups hiring their first engineers; mid-size companies; hospitals;"
        "nonprofits; retailers; remote-first companies",
        credentials="the SHRM-SCP certification; the SPHR certification;"
        "the Certified Compensation Professional credential;"
        "a master's in industrial-organizational psychology; the CIPD Level 7 qualification",
        industries="technology; healthcare; retail; financial services; manufacturing;nonprofits",
        achievements="hired more than {n}0 engineers for early-stage startups;"
        "built compensation bands for {n} companies;"
        "rolled out performance reviews for {n}00 employees; cut time-to-hire by {pct}%;"
        "placed {n} C-level executives; written employee handbooks for {n} multi-state employers",
        tools="Greenhouse; Lever; Workday; BambooHR; LinkedIn Recruiter; Rippling",
    ),
    _domain(
        "Cybersecurity",
        1.2,
        (140, 350),
        titles="Security Consultant; Penetration Tester; Security Architect; Virtual CISO;"
        "Incident Response Lead; Cloud Security Engineer",
        specialties="penetration testing; SOC 2 compliance; incident response; cloud security;"
        "threat modeling; ISO 27001; identity and access management;"
        "security awareness training; vulnerability management; application security",
        companies="{last} Security; Redline Cyber; Bastion Security Partners; Sentry Point;"
        "Ironwall Defense Group; {last} Cyber",
        employers="a national CERT team; a managed security service provider;"
        "a global bank's red team; a cloud security vendor; a Big Four cyber practice;"
        "a defense contractor",
        clients="SaaS startups pursuing SOC 2; hospitals; banks; manufacturers; law firms;"
        "retailers",
        credentials="the CISSP certification; the OSCP certification; the CISM certification;"
        "the CCSP certification; the GIAC incident handler certification",
        industries="healthcare; finance; software; manufacturing; government; retail",
        achievements="led {n} companies through SOC 2 Type II audits;"
        "run more than {n}0 penetration tests; responded to {n} ransomware incidents;"
        "built a security program from scratch for a {n}00-person company;"
        "found {n} critical vulnerabilities in customer-facing web applications;"
        "cut phishing click rates by {pct}%",
        tools="Burp Suite; Splunk; CrowdStrike; Wiz; Okta; Vanta",
    ),
    _domain(
        "Healthcare Regulation",
        0.8,
        (175, 450),
        titles="Regulatory Affairs Consultant; HIPAA Compliance Officer;"
        "FDA Regulatory Specialist; Healthcare Compliance Attorney; Reimbursement Strategist;"
        "Quality Systems Consultant",
        specialties="FDA 510(k) submissions; HIPAA compliance; medical device regulation;"
        "CMS reimbursement; clinical trial regulations; EU MDR; software as a medical device;"
        "quality management systems; healthcare fraud and abuse compliance;"
        "drug approval strategy",
        companies="{last} Regulatory; ClearPath Regulatory; MedReg Advisors;"
        "Quality First Compliance; Beacon Health Policy; {last} & {last2} Health Law",
        employers="the FDA's device center; a medical device manufacturer;"
        "a large hospital system's compliance office; a health law firm;"
        "a contract research organization; the Centers for Medicare & Medicaid Services",
        clients="medical device startups; digital health companies; hospitals;"
        "pharmaceutical companies; clinical laboratories; telehealth providers",
        credentials="the Regulatory Affairs Certification; a JD with a health law concentration;"
        "the Certified in Healthcare Compliance credential;"
        "ISO 13485 lead auditor certification; a PharmD",
        industries="medical devices; pharmaceuticals; digital health; hospitals; laboratories;"
        "health insurance",
        achievements="cleared {n} 510(k) submissions with the FDA;"
        "prepared {n} companies for EU MDR certification;"
        "built HIPAA programs for {n} telehealth providers;"
        "secured CMS reimbursement codes for {n} new devices;"
        "led {n} ISO 13485 audits without major findings;"
        "negotiated a corporate integrity agreement for a hospital group",
        tools="eCTD; ISO 13485; IEC 62304; HIPAA risk assessments; MedWatch; Veeva Vault",
    ),
    _domain(
        "Agriculture",
        0.7,
        (60, 180),
        titles="Agronomist; Farm Management Consultant; Agricultural Economist;"
        "Precision Agriculture Specialist; Soil Scientist; Livestock Nutritionist",
        specialties="agronomy; precision agriculture; soil health; irrigation management;"
        "crop protection; regenerative agriculture; farm business planning; livestock nutrition;"
        "agricultural supply chains; organic certification",
        companies="{last} Agronomy; Fieldstone Ag Consulting; Green Acre Advisors;"
        "Harvest Data Co.; Prairie Ridge Farm Services; {last} Family Farms",
        employers="a state agricultural extension service; a seed company; a farm cooperative;"
        "an agtech startup; a fertilizer manufacturer; an international development agency",
        clients="row-crop farmers; vineyards; dairy farms; agtech startups; food companies;"
        "farmland investors",
        credentials="the Certified Crop Adviser credential; an MS in soil science;"
        "a PhD in agricultural economics; a certificate in precision agriculture;"
        "the Professional Animal Scientist credential",
        industries="row crops; specialty crops; dairy; viticulture; food processing;"
        "farmland investment",
        achievements="advised farms covering {n},000 acres;"
        "raised yields by {pct}% through variable-rate seeding;"
        "designed irrigation schedules that cut water use by {pct}%;"
        "guided {n} farms through organic certification;"
        "built soil-sampling programs for {n} cooperatives;"
        "written business plans for {n} new farm ventures",
        tools="John Deere Operations Center; Climate FieldView; soil moisture sensors;"
        "drone imagery; GIS; farm accounting software",
    ),
    _domain(
        "Biotech",
        0.9,
        (175, 450),
        titles="Biotech Consultant; Research Scientist; Bioprocess Engineer;"
        "Clinical Development Lead; Business Development Director; Computational Biologist",
        specialties="drug discovery; bioprocess development; cell and gene therapy;"
        "clinical development; biotech business development; CRISPR gene editing;"
        "biomarker discovery; antibody engineering; bioinformatics; CMC and manufacturing",
        companies="{last} Bio Advisors; Helix Point Consulting; Genewise Partners;"
        "Novacell Strategy; Catalyst Bio Group; {last} Therapeutics",
        employers="a top-20 pharmaceutical company; a cell therapy startup;"
        "a contract development and manufacturing organization; a genomics company;"
        "an academic gene editing lab; a biotech venture fund",
        clients="seed-stage biotech founders; pharmaceutical companies; biotech investors;"
        "contract manufacturers; academic spinouts; diagnostics companies",
        credentials="a PhD in molecular biology; a PhD in chemical engineering;"
        "an MBA with a life sciences focus; a postdoctoral fellowship in immunology;"
        "a PhD in bioinformatics",
        industries="pharmaceuticals; cell and gene therapy; diagnostics; synthetic biology;"
        "agricultural biotech; medical research",
        achievements="advanced {n} drug candidates into clinical trials;"
        "scaled a cell therapy process from the bench to {n}0-liter bioreactors;"
        "closed licensing deals worth ${m} million; authored {n} patents;"
        "built a bioinformatics pipeline that analyses {n},000 genomes;"
        "led due diligence on {n} biotech investments",
        tools="CRISPR-Cas9; flow cytometry; next-generation sequencing; Benchling;"
        "single-cell RNA-seq; AlphaFold",
    ),
    _domain(
        "Immigration Law",
        0.8,
        (150, 400),
        titles="Immigration Attorney; Immigration Lawyer; Business Immigration Counsel;"
        "Immigration Consultant; Immigration Partner; Visa Specialist",
        specialties="H-1B visas; O-1 visas for extraordinary ability; EB-5 investor visas;"
        "green card applications; family-based immigration; asylum cases;"
        "L-1 intracompany transfers; naturalization; employer I-9 compliance; removal defense",
        companies="{last} Immigration Law; {last} & {last2} Immigration LLP;"
        "Pathway Immigration Group; Crossroads Immigration Counsel; Liberty Visa Law;"
        "{last} Visa Partners",
        employers="a global immigration law firm; a nonprofit immigrant legal services center;"
        "a large tech company's global mobility team; an immigration court, as a law clerk;"
        "a university international student office; a corporate law firm's immigration group",
        clients="tech startups hiring abroad; international founders; researchers and artists;"
        "families; universities; multinational employers",
        credentials="a JD from Berkeley Law; admission to the New York bar;"
        "membership in the American Immigration Lawyers Association;"
        "board certification in immigration and nationality law; a JD and fluency in Spanish",
        industries="technology; academia; healthcare; entertainment; hospitality; agriculture",
        achievements="filed more than {n}0 H-1B petitions;"
        "won O-1 approvals for {n} founders and artists; secured green cards for {n}0 families;"
        "won {n} asylum cases; set up I-9 compliance programs for {n} employers;"
        "handled {n} EB-5 investor petitions",
        tools="Form I-129; PERM labor certification; INSZoom; Docketwise; consular processing;"
        "premium processing",
    ),
    _domain(
        "Architecture",
        0.8,
        (90, 250),
        titles="Architect; Project Architect; Residential Architect; Design Principal;"
        "Sustainable Design Consultant; Interior Architect",
        specialties="residential architecture; commercial building design;"
        "sustainable building design; historic preservation; interior architecture;"
        "building code compliance; passive house design; urban planning; adaptive reuse;"
        "construction administration",
        companies="{last} Architects; {last} + {last2} Architecture; Studio Meridian;"
        "Fieldhouse Design; Linework Architecture; {last} Design Studio",
        employers="a large international architecture firm; a design-build contractor;"
        "a city planning department; a historic preservation office;"
        "a hospitality design studio; a modular construction startup",
        clients="homeowners; developers; restaurants and retailers; schools; municipalities;"
        "hotel groups",
        credentials="an architecture license in New York and Massachusetts;"
        "LEED AP BD+C accreditation; a Master of Architecture;"
        "the Certified Passive House Designer credential; NCARB certification",
        industries="residential; hospitality; education; retail; civic buildings; workplace",
        achievements="designed more than {n} custom homes; completed {n} adaptive reuse projects;"
        "led a {n}0,000-square-foot office renovation;"
        "brought {n} projects to LEED Gold or Platinum; restored {n} historic buildings;"
        "guided {n} projects through zoning approvals",
        tools="Revit; AutoCAD; Rhino; SketchUp; Enscape; BIM coordination",
    ),
    _domain(
        "Product Management",
        1.1,
        (110, 275),
        titles="Senior Product Manager; Head of Product; Product Owner; Fractional VP of Product;"
        "Technical Product Manager; Product Strategy Consultant",
        specialties="product strategy; product discovery; roadmap planning;"
        "B2B SaaS product management; product-led growth; pricing and packaging;"
        "platform products; user onboarding; agile delivery; OKRs",
        companies="{last} Product Partners; Roadmap Studio; Buildwise; Northstar Product Co.;"
        "Discovery Labs; {last} & {last2} Product",
        employers="a B2B SaaS unicorn; a consumer social app; a marketplace for freelancers;"
        "a payments company; an enterprise software vendor; a health tech scale-up",
        clients="seed and Series A startups; enterprise software companies; marketplaces;"
        "fintech companies; healthcare startups; agencies",
        credentials="the Certified Scrum Product Owner certification; an MBA from INSEAD;"
        "Pragmatic Institute certification; a BSc in computer science;"
        "the SAFe Product Owner certification",
        industries="SaaS; fintech; marketplaces; health tech; consumer apps; developer tools",
        achievements="launched {n} products from zero to one;"
        "grown activation by {pct}% with a redesigned onboarding;"
        "led pricing changes that lifted revenue by {pct}%; built a product team of {n};"
        "run discovery interviews with more than {n}0 customers;"
        "shipped a developer platform used by {n},000 developers",
        tools="Jira; Amplitude; Productboard; Figma; Mixpanel; Linear",
    ),
    _domain(
        "Sales",
        1.0,
        (75, 225),
        titles="Sales Consultant; Account Executive; VP of Sales; Sales Enablement Lead;"
        "Revenue Operations Consultant; Business Development Manager",
        specialties="B2B sales; sales enablement; enterprise sales; sales process design;"
        "revenue operations; outbound prospecting; channel partnerships; sales hiring;"
        "CRM implementation; negotiation training",
        companies="{last} Revenue Partners; Closewise; Pipeline Pros; Quota Labs;"
        "Summit Sales Group; {last} & {last2} Sales",
        employers="a global CRM vendor; a cybersecurity scale-up; a medical device company;"
        "an industrial distributor; a payroll software company; a telecom provider",
        clients="founder-led sales teams; B2B SaaS companies; manufacturers;"
        "professional services firms; medical device startups; distributors",
        credentials="MEDDICC certification; Sandler sales training certification;"
        "Salesforce Administrator certification; an MBA;"
        "Challenger Sale facilitator certification",
        industries="software; manufacturing; healthcare; telecommunications; logistics;"
        "professional services",
        achievements="built a sales team that took annual revenue past ${m} million;"
        "closed enterprise deals worth ${m} million; rolled out MEDDICC across {n} sales teams;"
        "cut sales cycles by {pct}%; hired and trained {n} account executives;"
        "set up revenue operations for {n} startups",
        tools="Salesforce; HubSpot CRM; Gong; Outreach; LinkedIn Sales Navigator; Clari",
    ),
    _domain(
        "Nonprofit Fundraising",
        0.8,
        (60, 175),
        titles="Fundraising Consultant; Development Director; Grant Writer; Major Gifts Officer;"
        "Capital Campaign Consultant; Nonprofit Strategy Advisor",
        specialties="grant writing; major gifts; capital campaigns; donor stewardship;"
        "nonprofit strategy; annual giving; board development; planned giving;"
        "foundation relations; peer-to-peer fundraising",
        companies="{last} Philanthropy Partners; Good Cause Consulting; Grantcraft;"
        "Common Ground Fundraising; Kindred Development Group; {last} & {last2} Philanthropy",
        employers="a national children's charity; a university advancement office;"
        "a community foundation; an international humanitarian NGO;"
        "a museum's development office; a hospital foundation",
        clients="small nonprofits; community foundations; arts organizations;"
        "schools and universities; hospitals; environmental groups",
        credentials="the Certified Fund Raising Executive credential;"
        "a Master of Nonprofit Management; a certificate in fundraising management;"
        "the Grant Professional Certified credential; an MA in philanthropic studies",
        industries="arts and culture; education; health; environment; human services;"
        "international development",
        achievements="raised more than ${m} million in grants and gifts;"
        "led {n} capital campaigns to completion; written {n}0 successful grant proposals;"
        "doubled a major gifts pipeline in {n} months;"
        "built a planned giving program for a century-old charity;"
        "trained {n} nonprofit boards on fundraising",
        tools="Raiser's Edge; Salesforce Nonprofit Cloud; Bloomerang;"
        "Candid Foundation Directory; Instrumentl; DonorPerfect",
    ),
)

FIRST_NAMES: tuple[str, ...] = _items(
    "Maria; James; Aisha; Wei; Sofia; Mohammed; Priya; Daniel; Yuki; Olusegun; Elena; Mateo;"
    "Fatima; Liam; Mei; Arjun; Chloe; Tomasz; Amara; Hiroshi; Isabella; Kwame; Nadia; Lucas;"
    "Ananya; Omar; Grace; Diego; Leila; Noah; Ji-woo; Samuel; Ingrid; Rahul; Camila; Emeka;"
    "Hannah; Javier; Zainab; Oliver; Sakura; Ibrahim; Emma; Thanh; Rosa; Kofi; Anna; Ravi;"
    "Lucía; Ahmed; Sarah; Chen; Valentina; Tunde; Julia; Minh; Freya; Hassan; Ayesha; Pedro;"
    "Zoë; Kenji; Chiara; Adebayo; Laura; Sanjay; Beatriz; Yusuf; Nora; Andrés; Keiko; David;"
    "Amina; Mikhail; Aaliyah; Björn; Lakshmi; Gabriel; Ngozi; Élodie; Rohan; Farah; Michael;"
    "Siobhan; Carlos; Mariam; Henrik; Deepa; Felipe; Abena; Lars; Soo-ah; Tariq; Claire;"
    "Vikram; Inés; Chidi; Katarzyna; Jamal; Li; Rebecca; Alejandro; Yasmin; Patrick; Ama;"
    "Dmitri; Naomi; Rafael; Aditi; Luca; Esther; Joon; Fernanda; Babajide; Sophie; Arash;"
    "Tanvi; Matteo; Hye-jin; Kateryna; Jonas; Marcus; Adaeze; Ryo; Paula; Nikhil; Helena;"
    "José; Sipho; Astrid; Daniela; Kemal; Ruth; Bao; Jessica; Oluwaseun; Mehmet; Anjali"
)

LAST_NAMES: tuple[str, ...] = _items(
    "Garcia; Smith; Okafor; Zhang; Rossi; Khan; Patel; Müller; Tanaka; Adeyemi; Ivanova;"
    "Hernández; Haddad; O'Brien; Li; Sharma; Dubois; Nowak; Mensah; Sato; Silva; Boateng;"
    "Petrov; Martins; Iyer; Farouk; Kim; Lopez; Nguyen; Johansson; Chowdhury; Moreno; Eze;"
    "Schmidt; Yamamoto; Cohen; Gupta; Fernández; Osei; Andersson; Rahman; Bianchi; Choi;"
    "Williams; Takahashi; Okonkwo; Kowalski; Da Costa; Reddy; Lefebvre; Abubakar; Jensen;"
    "Wang; Castillo; Nakamura; Mahmoud; Brown; Romero; Tran; Hansen; Desai; Lindqvist; Park;"
    "Mwangi; Santos; Kaur; Fischer; Chen; Ortiz; Mukherjee; Ali; Novak; Asante; Yilmaz;"
    "Wilson; Suzuki; Oyelaran; Costa; Bergström; Nair; Popescu; Ramírez; Liu; Kariuki;"
    "Murphy; Singh; Bakker; Hoang; Alvarez; Owusu; Kuznetsova; Ferreira; Taylor; Aziz;"
    "Kobayashi; Mendoza; Nwosu; Lee; Eriksson; Banerjee; Vargas; Demir; Papadopoulos;"
    "Adeleke; Walsh; Horvath; Rao; Jovanović; Delgado; Hussain; Sørensen; Morales; Okeke;"
    "Huang; Kaplan; Gonzalez; Yadav; Lambert; Achebe; Navarro; Friedman; Ahmadi; Vu;"
    "Carvalho; Kapoor; Ruiz; Mbeki; Weber; Ito; Torres; Fitzgerald; Chaudhry; Reyes;"
    "Abebe; Zhou; Sánchez; Iwu; Anderson; Matsumoto; Rivera; Tesfaye; Wójcik; Jung"
)

# (city, region) pairs for "based in ..." sentences.
CITIES: tuple[tuple[str, str], ...] = (
    ("New York", "North America"),
    ("Austin", "the United States"),
    ("Chicago", "the Midwest"),
    ("San Francisco", "the Bay Area and beyond"),
    ("Toronto", "Canada and the US"),
    ("Boston", "New England"),
    ("Denver", "the Mountain West"),
    ("Atlanta", "the Southeast"),
    ("Seattle", "the Pacific Northwest"),
    ("Miami", "the Americas"),
    ("Mexico City", "Latin America"),
    ("São Paulo", "Brazil and Latin America"),
    ("Buenos Aires", "South America"),
    ("London", "the UK and Europe"),
    ("Dublin", "Ireland and the UK"),
    ("Berlin", "the DACH region"),
    ("Amsterdam", "the Benelux and Europe"),
    ("Paris", "France and Europe"),
    ("Madrid", "Spain and Portugal"),
    ("Stockholm", "the Nordics"),
    ("Warsaw", "Central Europe"),
    ("Milan", "Italy and Southern Europe"),
    ("Lagos", "West Africa"),
    ("Nairobi", "East Africa"),
    ("Accra", "West Africa"),
    ("Cape Town", "Southern Africa"),
    ("Cairo", "the Middle East"),
    ("Dubai", "the Gulf region"),
    ("Istanbul", "Turkey and the Middle East"),
    ("Mumbai", "India"),
    ("Bangalore", "India and Southeast Asia"),
    ("Singapore", "Southeast Asia"),
    ("Tokyo", "Japan and East Asia"),
    ("Seoul", "Korea and East Asia"),
    ("Sydney", "Australia and New Zealand"),
    ("Ho Chi Minh City", "Vietnam and Southeast Asia"),
    ("Lisbon", "Europe, with remote clients worldwide"),
)

# (first-person, third-person) forms; {spec} and {industry} are filled per expert.
SIDE_ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("teach an evening course on {spec}", "teaches an evening course on {spec}"),
    ("mentor early-career professionals", "mentors early-career professionals"),
    ("write a monthly newsletter about {spec}", "writes a monthly newsletter about {spec}"),
    ("speak at industry conferences about {spec}", "speaks at industry conferences about {spec}"),
    ("host a podcast about {industry}", "hosts a podcast about {industry}"),
    ("volunteer as a pro bono advisor", "volunteers as a pro bono advisor"),
    ("co-organize a local meetup on {industry}", "co-organizes a local meetup on {industry}"),
    ("review papers for a trade journal", "reviews papers for a trade journal"),
)

ENGAGEMENT_LENGTHS: tuple[str, ...] = _items(
    "two-week; one-month; three-month; six-month; year-long"
)

WORKING_STYLE_FIRST: tuple[str, ...] = _items(
    "I start every engagement with a short scoping call so we agree on the question first;"
    "I write up findings in plain language, with a one-page summary for busy executives;"
    "I am comfortable working under NDA and alongside in-house teams;"
    "I usually reply within one business day, and I am happy to do a free intro call;"
    "I prefer fixed-scope projects, but hourly advice works well for quick questions;"
    "I work in English and Spanish, and I have clients in more than a dozen countries;"
    "References from recent clients are available on request"
)

WORKING_STYLE_THIRD: tuple[str, ...] = _items(
    "{first} is known for practical advice and clear, jargon-free explanations;"
    "Clients describe {first} as responsive, candid and easy to work with;"
    "{first} works under NDA and regularly partners with in-house teams;"
    "{first} offers fixed-scope projects as well as hourly advisory calls;"
    "{first} has worked with clients in more than a dozen countries;"
    "{first} is available for short calls, workshops and longer engagements"
)

# Bio templates. Every intro and short bio names a specialty ({spec}), so each bio carries its
# domain's vocabulary. Slots are listed in ``enrichment_entrypoints.sample_data.generator._slots``.
INTRO_FIRST: tuple[str, ...] = (
    "I'm {a_title} with {years} years of experience in {spec} and {spec2}.",
    "I am {a_title}{at_company}, focused on {spec} for {client}.",
    "Hi, I'm {first}. For the last {years} years I have worked on {spec}, mostly for {client}.",
    "{title}{at_company}. I help {client} with {spec} and {spec2}.",
)
INTRO_THIRD: tuple[str, ...] = (
    "{full} is {a_title}{at_company}, specializing in {spec} and {spec2}.",
    "{full} has {years} years of experience in {spec}, most recently as {a_title}{at_company}.",
    "With more than {years} years in {industry}, {full} advises {client} on {spec}.",
    "{full} ({title}) works on {spec} and {spec2} for {client}.",
)
BODY_FIRST: tuple[str, ...] = (
    "Before {joining}, I spent {years2} years at {employer}.",
    "Earlier in my career I worked at {employer2}.",
    "My clients include {client2} and {client3}.",
    "I hold {cred}.",
    "I have {achievement}.",
    "One recent highlight: I have {achievement2}.",
    "Most of my work is in {industry} and {industry2}.",
    "Ask me about {spec3}, {spec4} or {tool}.",
    "Day to day I work with {tool} and {tool2}.",
    "I'm based in {city} and work with clients across {region}.",
    "Outside client work I {side}.",
    "Engagements range from a one-hour call to a {length} project.",
    "I also hold {cred2}.",
)
BODY_THIRD: tuple[str, ...] = (
    "Before {joining}, {first} spent {years2} years at {employer}.",
    "Earlier, {first} worked at {employer2}.",
    "Notable clients include {client2} and {client3}.",
    "{first} holds {cred}.",
    "{first} has {achievement}.",
    "Most recently, {first} has {achievement2}.",
    "Industries served: {industry}, {industry2} and {industry3}.",
    "Typical questions: {spec3}, {spec4} and {tool}.",
    "{first} works daily with {tool} and {tool2}.",
    "Based in {city}, {first} works with clients across {region}.",
    "Outside client work, {first} {side}.",
    "{first} takes on anything from a one-hour call to a {length} engagement.",
    "{first} also holds {cred2}.",
)
SHORT_BIOS: tuple[str, ...] = (
    "{title} focused on {spec}.",
    "{spec_cap} for {client}. {years}+ years of experience.",
    "I help {client} with {spec}.",
    "{spec_cap} and {spec2}. Based in {city}.",
    "{years} years in {spec}; previously at {employer}.",
    "{title}{at_company}: {spec}.",
)

# Paragraphs that only long bios use.
CASE_STUDIES_FIRST: tuple[str, ...] = (
    "My clients are usually {client} with a question about {spec2}. We begin with a short "
    "diagnostic, agree on the questions that matter most, and then work through them in weekly "
    "sessions. At the end the team has a written plan, the templates behind it, and a clear view "
    "of the risks that are specific to {industry}.",
    "Areas of focus: {spec}, {spec2}, {spec3} and {spec4}. I am most useful where these meet "
    "{industry}: the rules are specific, the stakes are high, and an outside view saves months "
    "of trial and error.",
)
CASE_STUDIES_THIRD: tuple[str, ...] = (
    "A typical engagement with {first} starts with a short diagnostic of the client's {spec2} "
    "needs, followed by weekly working sessions with the team. Clients come away with a written "
    "plan, the templates behind it, and a clear view of the risks that are specific to "
    "{industry}.",
    "Areas of focus: {spec}, {spec2}, {spec3} and {spec4}. {first} is most useful where these "
    "meet {industry}, where the rules are specific and an outside view saves months of trial and "
    "error.",
)
