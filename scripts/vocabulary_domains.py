"""Hand-written directory fields and domain skills, one block per SOC major group.

Written for this project from general knowledge of the world of work (not from any evaluation
data); part of the project under its own license. The SOC major group names follow the U.S.
Bureau of Labor Statistics' Standard Occupational Classification (public domain). ``FIELDS``
are broad directory fields (a bio always gets at least one); ``SKILLS`` are narrower domain tags.
"""

SOC_MAJOR_GROUPS = {
    "11": "management",
    "13": "business and financial operations",
    "15": "computer and mathematical",
    "17": "architecture and engineering",
    "19": "life, physical, and social science",
    "21": "community and social service",
    "23": "legal",
    "25": "educational instruction and library",
    "27": "arts, design, entertainment, sports, and media",
    "29": "healthcare practitioners and technical",
    "31": "healthcare support",
    "33": "protective service",
    "35": "food preparation and serving",
    "37": "building and grounds cleaning and maintenance",
    "39": "personal care and service",
    "41": "sales",
    "43": "office and administrative support",
    "45": "farming, fishing, and forestry",
    "47": "construction and extraction",
    "49": "installation, maintenance, and repair",
    "51": "production",
    "53": "transportation and material moving",
    "55": "military",
}

# field entries: broad directory fields (a bio always gets one); skills: narrower domain tags.
FIELDS = {
    "11": """management; business management; operations management; project management;
        program management; general management; executive leadership; business strategy;
        product management; nonprofit management; hospitality management; construction management;
        healthcare management; it management; retail management; change management;
        entrepreneurship; public administration; agricultural management; facilities management""",
    "13": """finance; accounting; auditing; taxation; human resources; business analysis;
        financial analysis; financial planning; investment management; insurance; procurement;
        supply chain; logistics; management consulting; compliance; risk management;
        event planning; real estate; fundraising; payroll; budgeting; recruiting""",
    "15": """software development; information technology; computer science; web development;
        data science; data analysis; machine learning; artificial intelligence; cybersecurity;
        network security; network administration; database administration; devops;
        cloud computing; software testing; quality assurance; statistics; mathematics;
        actuarial science; operations research; mobile app development; systems administration;
        it support; web design""",
    "17": """engineering; architecture; civil engineering; mechanical engineering;
        electrical engineering; electronics engineering; chemical engineering;
        industrial engineering; aerospace engineering; environmental engineering;
        structural engineering; biomedical engineering; petroleum engineering;
        mining engineering; nuclear engineering; marine engineering; materials engineering;
        automotive engineering; surveying; drafting; landscape architecture; robotics""",
    "19": """science; research; biology; chemistry; physics; geology; astronomy; ecology;
        environmental science; economics; psychology; sociology; anthropology; archaeology;
        political science; history; geography; urban planning; food science; agricultural science;
        biotechnology; microbiology; genetics; neuroscience; epidemiology; forensic science;
        laboratory research; meteorology; oceanography""",
    "21": """social work; social services; counseling; mental health counseling; family therapy;
        addiction counseling; career counseling; community outreach; religion; ministry;
        pastoral care; youth work; child welfare; probation; health education; case management""",
    "23": """law; legal services; litigation; corporate law; tax law; criminal law;
        criminal defense; family law; immigration law; intellectual property law;
        employment law; real estate law; contract law; environmental law; legal research;
        paralegal services; mediation; arbitration; notary services; court reporting""",
    "25": """education; teaching; tutoring; early childhood education; special education;
        higher education; curriculum development; instructional design; language teaching;
        mathematics teaching; science teaching; music teaching; library science; archiving;
        museum curation; academic research; training and development; e-learning""",
    "27": """arts; design; media; entertainment; sports; fine art; painting; sculpture;
        illustration; graphic design; fashion design; interior design; industrial design;
        photography; videography; film production; video editing; animation; music;
        music production; acting; dance; writing; creative writing; copywriting; journalism;
        editing; translation; public relations; broadcasting; sound engineering; coaching;
        athletics; modeling; ui/ux design; game design; content writing; technical writing""",
    "29": """healthcare; medicine; nursing; dentistry; pharmacy; veterinary medicine;
        physical therapy; occupational therapy; speech therapy; chiropractic; optometry;
        radiology; surgery; pediatrics; psychiatry; cardiology; dermatology; oncology;
        anesthesiology; obstetrics and gynecology; emergency medicine; family medicine;
        nutrition; dietetics; paramedic services; medical laboratory science; respiratory therapy;
        audiology; midwifery; public health""",
    "31": """healthcare support; home health care; nursing assistance; medical assisting;
        dental assisting; pharmacy technician; physical therapy assisting; massage therapy;
        phlebotomy; medical transcription; veterinary assisting; caregiving""",
    "33": """protective services; security; law enforcement; policing; firefighting;
        corrections; private investigation; security guarding; emergency management;
        lifeguarding; loss prevention; fire prevention""",
    "35": """food service; cooking; culinary arts; baking; pastry; catering; bartending;
        restaurant service; food preparation; barista; nutrition services""",
    "37": """building maintenance; cleaning; janitorial services; housekeeping; landscaping;
        gardening; groundskeeping; pest control; tree care; lawn care""",
    "39": """personal care; fitness training; personal training; yoga instruction; hairdressing;
        barbering; cosmetology; makeup artistry; nail care; skin care; childcare; elder care;
        travel guiding; tour guiding; event hosting; pet care; dog training; funeral services;
        recreation; wellness coaching; life coaching""",
    "41": """sales; retail sales; business development; account management; real estate sales;
        insurance sales; technical sales; b2b sales; sales management; customer success;
        lead generation; merchandising; telemarketing; marketing; digital marketing;
        social media marketing; seo; advertising; market research; brand management""",
    "43": """office administration; administrative support; customer service; data entry;
        bookkeeping; secretarial work; executive assistance; virtual assistance; receptionist work;
        office management; records management; billing; scheduling; dispatching;
        inventory management; clerical work; transcription""",
    "45": """farming; agriculture; fishing; forestry; horticulture; animal husbandry; ranching;
        beekeeping; aquaculture; viticulture; organic farming; agronomy""",
    "47": """construction; carpentry; plumbing; electrical work; masonry; roofing; welding;
        painting and decorating; drywall installation; flooring; tiling; concrete work;
        mining; oil and gas drilling; demolition; home renovation; general contracting;
        solar panel installation""",
    "49": """maintenance and repair; auto repair; auto mechanics; hvac; appliance repair;
        electronics repair; aircraft maintenance; industrial machinery repair; locksmithing;
        elevator repair; computer repair; telecommunications installation; bicycle repair""",
    "51": """manufacturing; production; machining; cnc machining; assembly; quality control;
        printing; woodworking; metalworking; textile production; food processing;
        chemical processing; tailoring; jewelry making; 3d printing; plant operation;
        lean manufacturing""",
    "53": """transportation; logistics operations; truck driving; delivery; aviation; piloting;
        air traffic control; shipping; maritime operations; railway operations; warehousing;
        freight; moving services; public transit; chauffeuring; fleet management""",
    "55": """military; armed forces; military leadership; defense; military intelligence;
        military logistics""",
}

# Narrower skills a directory lists, each under its SOC major group.
SKILLS = {
    "11": """strategic planning; stakeholder management; team leadership;
        project management office; agile; scrum; kanban; okrs; business continuity; vendor management; startup""",
    "13": """tax; tax preparation; tax planning; r&d tax credits; corporate finance; financial modeling;
        bookkeeping; financial reporting; ifrs; gaap; audit; internal audit; forensic accounting;
        valuation; mergers and acquisitions; venture capital; private equity; wealth management;
        personal finance; banking; credit analysis; loans; mortgages; underwriting;
        claims adjusting; actuarial analysis; talent acquisition; employee relations;
        compensation and benefits; organizational development; performance management;
        labor relations; onboarding; hr; purchasing; sourcing; inventory planning;
        demand forecasting; supply chain optimization; import and export; customs; erp;
        sap; salesforce; crm; grant writing; sustainability; esg; anti-money laundering""",
    "15": """java; python; javascript; typescript; c#; c++; c; go; rust; ruby; php; scala;
        kotlin; swift; r; sql; .net; asp.net; spring; django; flask; node.js; react; angular;
        vue.js; html; css; wordpress; shopify; frontend development; backend development;
        full stack development; api development; microservices; android development;
        ios development; game development; embedded systems; linux; windows server; unix;
        aws; azure; google cloud; docker; kubernetes; terraform; ansible; jenkins; ci/cd;
        git; site reliability engineering; automation testing; manual testing; selenium;
        performance testing; test automation; etl; data engineering; data warehousing;
        big data; hadoop; spark; hive; kafka; business intelligence; tableau; power bi;
        excel; oracle; mysql; postgresql; mongodb; nosql; database design; data modeling;
        deep learning; natural language processing; computer vision; data visualization;
        predictive modeling; blockchain; smart contracts; cryptocurrency; ethereum; solidity;
        penetration testing; ethical hacking; firewalls; information security; identity management;
        networking; cisco; technical support; help desk; sharepoint; mainframe; cobol;
        salesforce development; sap abap; sap fico; erp implementation; rpa; web scraping;
        software architecture; embedded software; iot; ar/vr; quantum computing; matlab""",
    "17": """autocad; solidworks; cad; revit; bim; structural analysis; hvac design;
        piping design; power systems; control systems; plc programming; circuit design;
        pcb design; electronics; telecommunications engineering; renewable energy;
        geotechnical engineering; transportation engineering; water resources engineering;
        building design; urban design; product design engineering; manufacturing engineering;
        process engineering; reliability engineering; quality engineering; six sigma""",
    "19": """clinical research; lab analysis; molecular biology; biochemistry; bioinformatics;
        data collection; survey research; econometrics; market analysis; policy analysis;
        environmental impact assessment; gis; climate science; materials science; zoology;
        botany; marine biology; wildlife biology; conservation""",
    "21": """psychotherapy; cognitive behavioral therapy; marriage counseling; grief counseling;
        substance abuse counseling; community development; nonprofit work; advocacy;
        chaplaincy; rehabilitation counseling; school counseling""",
    "23": """legal advice; contract drafting; legal writing; civil litigation; commercial law;
        banking law; securities law; patent law; trademark law; copyright law; privacy law;
        data protection; gdpr; regulatory compliance; personal injury law; estate planning;
        wills and trusts; divorce law; labor law; human rights law; international law;
        constitutional law; court representation; due diligence; legal consulting""",
    "25": """online teaching; esl; english teaching; test preparation; stem education;
        coaching and mentoring; corporate training; adult education; lesson planning;
        academic writing; research papers; educational technology""",
    "27": """logo design; brand identity; web graphics; adobe photoshop; adobe illustrator;
        indesign; figma; 3d modeling; 3d animation; motion graphics; video production;
        voice over; podcasting; audio editing; mixing and mastering; songwriting; singing;
        guitar; piano; dj; theater; stand-up comedy; blogging; article writing; blog writing;
        ghostwriting; proofreading; copyediting; seo writing; content strategy; storytelling;
        screenwriting; poetry; fiction writing; book editing; publishing; social media content;
        influencer marketing; sports coaching; football; basketball; tennis; swimming;
        martial arts; fashion styling; jewelry design; textile design; exhibition design;
        art direction; print design; packaging design; presentation design; infographics""",
    "29": """general practice; internal medicine; orthopedics; neurology; gastroenterology;
        endocrinology; urology; ophthalmology; ent; plastic surgery; small animal surgery;
        veterinary surgery; equine medicine; dental hygiene; orthodontics; clinical psychology;
        nurse practitioner; critical care nursing; pediatric nursing; telemedicine;
        medical writing; medical coding; health informatics; diagnostics; sports medicine;
        rehabilitation; acupuncture; homeopathy; naturopathy""",
    "31": """patient care; first aid; medical billing; elderly care; disability support""",
    "33": """cybercrime investigation; security consulting; crowd control; surveillance;
        fire safety; bodyguard services; executive protection""",
    "35": """menu planning; food safety; wine; mixology; kitchen management; meal prep;
        vegan cooking; restaurant management""",
    "37": """commercial cleaning; carpet cleaning; window cleaning; landscape design;
        irrigation; snow removal""",
    "39": """strength training; pilates; crossfit; nutrition coaching; weight loss coaching;
        sports nutrition; spa services; bridal makeup; babysitting;
        nanny services; event management; wedding planning; travel planning; hospitality""",
    "41": """inside sales; outside sales; enterprise sales; saas sales; cold calling;
        sales strategy; key account management; retail; e-commerce; affiliate marketing;
        email marketing; content marketing; growth marketing; ppc; google ads; facebook ads;
        marketing strategy; product marketing; internet marketing; real estate brokerage""",
    "43": """microsoft office; typing; document preparation; calendar management;
        call center; customer support; order processing; payroll administration;
        data management; file management; mail handling; front desk""",
    "45": """crop production; livestock; dairy farming; poultry farming; logging; irrigation management;
        greenhouse management; soil management""",
    "47": """renovation; remodeling; framing; cabinetry; insulation; scaffolding; excavation;
        pipefitting; steel erection; glazing; paving; quarrying""",
    "49": """diesel mechanics; motorcycle repair; boat repair; small engine repair; wind turbine maintenance;
        medical equipment repair; refrigeration; plumbing repair; handyman services; tire service""",
    "51": """cnc programming; injection molding; sewing; upholstery; bookbinding; brewing;
        winemaking; pharmaceutical manufacturing; semiconductor manufacturing;
        industrial automation; welding fabrication; packaging""",
    "53": """supply chain logistics; last-mile delivery; forklift operation; courier services;
        ship navigation; flight instruction; drone piloting; taxi driving; bus driving;
        freight forwarding; dispatch; route planning""",
    "55": """military operations; special forces; combat training; naval operations; army; navy;
        air force; military engineering""",
}
