//! Visitors who say they are not buyers: job seekers, customers needing support, students,
//! vendors and competitors. Every reading needs the visitor to say it of themselves ("are you
//! hiring?", "I'm a student"); a buyer describing their own business ("we're hiring 10 SDRs",
//! "student housing company") is not read as one.

use super::VisitorKind;
use super::patterns::Pattern;

/// Who the visitor says they are, most specific first.
pub(super) fn kind(folded: &str) -> Option<VisitorKind> {
    if COMPETITOR.is_match(folded) {
        Some(VisitorKind::Competitor)
    } else if is_vendor(folded) {
        Some(VisitorKind::Vendor)
    } else if JOB_SEEKER.is_match(folded) && !OWN_HIRING.is_match(folded) {
        Some(VisitorKind::JobSeeker)
    } else if is_student(folded) {
        Some(VisitorKind::Student)
    } else if is_support_customer(folded) {
        Some(VisitorKind::SupportCustomer)
    } else {
        None
    }
}

fn is_vendor(folded: &str) -> bool {
    VENDOR_STRONG.is_match(folded) || (VENDOR_WEAK.is_match(folded) && !buyer(folded))
}

fn is_student(folded: &str) -> bool {
    STUDENT_SELF.is_match(folded) || (STUDENT_WORK.is_match(folded) && !buyer(folded))
}

/// Shopping for a tool, or describing the visitor's own business.
fn buyer(folded: &str) -> bool {
    SHOPPING.is_match(folded) || OWN_BUSINESS.is_match(folded)
}

fn is_support_customer(folded: &str) -> bool {
    if SHOPPING.is_match(folded) && !CUSTOMER.is_match(folded) {
        return false;
    }
    ACCESS_OR_BILLING.is_match(folded)
        || (CUSTOMER.is_match(folded)
            && (PROBLEM.is_match(folded) || HOW_TO.is_match(folded))
            && !UPSELL.is_match(folded))
        || OWNED_PART_BROKEN.is_match(folded)
}

static JOB_SEEKER: Pattern = Pattern::new(concat!(
    r"\b(?:are|r) (?:you|u|y'?all|ya) (?:guys |folks )?(?:currently |still |also )?hiring\b|\bhiring at the moment\?|\bis (?:your company|synaptiq|your team|the company) (?:currently |still )?hiring\b|\b(?:do|does) (?:you|u|your company|synaptiq)(?: guys)? hire\b|\bany (?:open )?(?:positions|roles|jobs|openings|vacancies)\b",
    r"|\b(?:do|does) (?:you|u|synaptiq|your (?:company|team)) (?:have|offer) (?:any )?(?:open |current )?(?:positions?|roles?|jobs?|openings?|vacancies|internships?|job openings?|career opportunities)\b",
    r"|\b(?:apply|applying|application)\s+(?:for|to)\s+(?:the |a |an |your |this )?(?:\S+\s+){0,3}?(?:role|position|job|opening|internship|vacancy|team)\b",
    r"|\b(?:i'?d like to|i want to|i would like to|how (?:do|can) i|where (?:do|can) i|wanna) apply\b",
    r"|\b(?:looking for|seeking|searching for) (?:a |an )?(?:job|internship|position with you|role with you|work with you)\b",
    r"|\b(?:my|attached my|send (?:you )?my|sent my|submit my|attach my) (?:cv|resume|curriculum)\b",
    r"|\binternships?\b|\b(?:work (?:for|at) (?:you|synaptiq|your company)|join your team|joining your team|be part of your team)\b|\bcareers? page\b|\bjob (?:opening|openings|opportunit\w+)\b",
    r"|\b(?:estan|estais) contratando\b|\b(?:busco|buscando) (?:trabajo|empleo)\b|\bvacantes?\b|\bofertas? de (?:trabajo|empleo)\b|\bmi (?:cv|curriculum)\b|\b(?:postular|aplicar) (?:a|para)\b",
    r"|\b(?:stellenangebote?|offene stellen?|bewerbung|bewerben|praktikum|praktikumsplatz|sucht ihr|stellt ihr)\b",
));

/// "our job openings page", "we're hiring": the buyer's own hiring.
static OWN_HIRING: Pattern = Pattern::new(
    r"\b(?:we|we'?re|we are|our|my) (?:\S+ )?(?:hiring|recruit\w*|job openings|openings|careers page|candidates|applicants|internship program)\b",
);

/// "we're customers", "existing client", "we already use you", "our account".
static CUSTOMER: Pattern = Pattern::new(concat!(
    r"\b(?:i'?m|i am|we'?re|we are|we have been|we'?ve been|i'?ve been) (?:an |a )?(?:already |existing |current |paying |long[- ]time )?(?:customers?|clients?|users?)(?:\s*$|\s*[,.;!?]|\s+(?:of|and|here|since|for|with|but|already|on|at))",
    r"|\b(?:existing|current|paying) (?:customer|client|user)s?\b",
    r"|\b(?:we|i) (?:already |currently )?(?:use|pay for|subscribe to) (?:you|synaptiq|your (?:product|tool|bot|app|platform|service))\b",
    r"|\b(?:my|our) (?:account|subscription|instance|workspace|dashboard|widget|inbox|login)\b",
    r"|\bsoy client[ea]\b|\bsomos clientes\b|\b(?:wir sind|ich bin) kund(?:e|en|in)\b",
));

/// Something broken, as a customer reports it.
static PROBLEM: Pattern = Pattern::new(concat!(
    r"\b(?:down|not working|isn'?t working|is not working|doesn'?t work|does not work|don'?t work|stopped working|broken|broke|error|errors|bug|bugs|crash\w*|fail\w*|not loading|won'?t load|outage|issue with|problem with|trouble with|glitch\w*|missing",
    r"|(?:aren'?t|are not|isn'?t|is not|not|stopped) (?:showing|coming|arriving|loading|appearing|syncing)(?: up| in| through)?",
    r"|not (?:receiving|getting|showing) (?:any )?(?:leads|messages|emails|notifications|chats|conversations)",
    r"|(?:hasn'?t|has not|haven'?t|have not|hadn'?t|didn'?t|did not|won'?t|will not|doesn'?t|does not|isn'?t|is not) (?:been )?(?:load|loaded|loading|open|opened|opening|sync|synced|syncing|work|worked|working|respond|responded|responding)",
    r"|no funciona|caido|problema|funktioniert nicht|fehler|geht nicht|kaputt|ausgefallen|storung)\b",
));

/// "how do I add a user?" from a customer is a support question; upgrading is a sale.
static HOW_TO: Pattern = Pattern::new(
    r"\b(?:how (?:do|can|to) (?:i|we)|where (?:do|can) (?:i|we) (?:find|change|add|set)|can'?t find|cannot find)\b",
);

/// Buying more is a sale, not support.
static UPSELL: Pattern = Pattern::new(
    r"\b(?:upgrade|upgrading|more seats|add seats|more licenses|pricing|price|cost|discount)\b",
);

/// "I can't log in", "reset my password", "billing question", "charged twice".
static ACCESS_OR_BILLING: Pattern = Pattern::new(concat!(
    r"\b(?:can'?t|cannot|cant|unable to|not able to|couldn'?t) (?:log ?in|login|sign ?in|access (?:my|our) (?:account|dashboard|inbox))\b|\blocked out\b|\b(?:forgot|reset|change) (?:my|our) password\b|\bpassword reset\b",
    r"|\bbilling (?:question|issue|problem)\b|\bquestion about (?:my|our) (?:invoice|bill|billing|charge|payment)\b|\b(?:my|our) (?:last |latest )?(?:invoice|bill)\b|\b(?:charged|billed) (?:twice|double|wrong)\b|\bdouble (?:charged|billed)\b|\boverch?arged\b|\brefund\b",
    r"|\bno puedo (?:entrar|acceder|iniciar sesion)\b|\bmi factura\b|\bkann mich nicht (?:einloggen|anmelden)\b|\bmeine rechnung\b|\bpasswort vergessen\b",
));

/// "our inbox is down", "my widget stopped working".
static OWNED_PART_BROKEN: Pattern = Pattern::new(
    r"\b(?:my|our) (?:\w+ )?(?:account|subscription|instance|workspace|dashboard|widget|inbox|login|integration|chat widget|synaptiq)\b.{0,40}\b(?:down|not working|isn'?t working|doesn'?t work|stopped working|broken|not loading|won'?t load|(?:hasn'?t|has not|didn'?t|won'?t) (?:been )?(?:load|loaded|loading|open|opened|work|worked|working)|crash\w*|error\w*)\b",
);

/// A visitor shopping for a tool, whatever else they say about support or customers.
static SHOPPING: Pattern = Pattern::new(
    r"\b(?:(?:need|want|looking for|searching for) (?:a |an )?(?:new |better )?(?:tool|solution|platform|chatbot|bot|system|replacement|way|assistant|widget)|looking for|need a (?:new |better )?(?:tool|solution|platform|chatbot|bot|system|replacement|way)|replace|replacing|replacement|switch(?:ing)? (?:from|to|away)|alternative|evaluat\w*|our (?:current|old|existing|previous) (?:tool|vendor|provider|solution|system|bot|chatbot|crm|platform)|considering|comparing|drowning|how much|pricing|demo|need something|want something|buy|purchase)\b",
);

/// A buyer describing what their own business does.
static OWN_BUSINESS: Pattern = Pattern::new(
    r"\b(?:company|startup|business|we sell|we serve|serving|edtech|housing|our (?:customers|clients|users|students)|(?:for|on) our (?:site|website|team|page|homepage))\b",
);

static STUDENT_SELF: Pattern = Pattern::new(concat!(
    r"\b(?:i'?m|i am|im|as|we'?re|we are) (?:a |an )?(?:(?:phd|master'?s|masters|mba|grad|graduate|undergrad|undergraduate|university|uni|college|high school|final[- ]year|first[- ]year|business|cs|computer science|marketing|engineering|economics|design) )?students?",
    r"(?:\s*$|\s*[,.;!?]|\s+(?:at|from|in|of|and|writing|doing|working|researching|looking|interested|studying|with|who|currently|here|myself|trying|researching|too))",
    r"|\bstudents? here\b|\bhomework\b|\bmy (?:professor|prof|teacher|lecturer|thesis|dissertation|classmates?|tutor)\b|\bstudent discount\b",
    r"|\bsoy (?:estudiante|alumn[oa])\b|\b(?:mi|una) (?:tesis|tesina)\b|\b(?:tfg|tfm|trabajo de fin de (?:grado|master))\b",
    r"|\bich bin (?:student|studentin|studierender|studierende|schuler|schulerin)\b|\b(?:bachelorarbeit|masterarbeit|abschlussarbeit|seminararbeit|hausarbeit|doktorarbeit)\b|\buniprojekt\b|\bstudienprojekt\b",
));

/// "writing a thesis", "for a school project": student work, unless shopping for a tool.
static STUDENT_WORK: Pattern = Pattern::new(concat!(
    r"\b(?:writing|working on|doing|researching for|for) (?:a |an |my |our )?(?:bachelor'?s |master'?s |masters |phd |senior |final )?(?:thesis|dissertation|capstone|term paper|research paper|seminar paper)\b",
    r"|\b(?:school|class|university|uni|college|course|student|academic|coursework) (?:project|assignment|paper|report|essay)\b|\bfor (?:my|a) (?:\w+ )?(?:class|course|seminar|lecture|module)\b",
    r"|\bproyecto (?:de la|para la|de) (?:universidad|uni|facultad|escuela|clase)\b|\bfur (?:die|meine) (?:uni|hochschule|schule)\b",
));

/// Unmistakable pitches: "I'd like to sell you", "can I pitch", "partnership opportunity".
static VENDOR_STRONG: Pattern = Pattern::new(concat!(
    r"\b(?:i|we)(?:'d| would) (?:like|love) to (?:sell|offer|pitch|introduce|present|show) (?:you|your team)\b",
    r"|\b(?:i|we) (?:want|wanted) to (?:sell|offer|pitch) (?:you|your team)\b|\bsell (?:you|to you)\b",
    r"|\b(?:can|could|may) (?:i|we) (?:pitch|quickly pitch|present our|introduce our|offer you)\b|\bquick pitch\b|\bpitch (?:you|our|my)\b",
    r"|\bpartnership (?:opportunit\w+|proposal|offer)\b|\bbusiness (?:opportunity|proposal)\b|\b(?:partner|collaborate) with (?:you|your (?:team|company))\b",
    r"|\bwe help (?:\w+ )?(?:companies|businesses|brands|saas|startups|teams|firms) like (?:yours|you)\b",
    r"|\b(?:we|i) can (?:get|help|bring|put|rank|take) (?:you|your (?:site|website|page|company|brand)|\S+) (?:to |on |onto |at )?(?:the )?(?:page (?:one|1)|first page|top (?:of|3|three|10|ten)|rank)",
    r"|\bwho (?:handles|manages|is in charge of|is responsible for|looks after|do i talk to about) (?:your )?(?:marketing |business |brand |strategic )?(?:partnerships?|vendors?|procurement|purchasing|agencies|sponsorships?)\b",
    r"|\b(?:i'?m|i am|we'?re|we are) (?:an? |the )?(?:seo|marketing|digital marketing|growth|design|web design|web development|dev|development|lead gen\w*|ppc|ads|advertising|content|outsourcing|recruiting|staffing|pr) (?:agency|firm|studio|consultancy|shop)\b",
    r"|\b(?:guest posts?|backlinks?|link building|seo audit|offshore (?:team|development)|white[- ]label (?:services|solution))\b",
    r"|\b(?:would you|are you) (?:be )?interested in (?:our|my) (?:services?|offer|solution|proposal|product|agency)\b|\b(?:interested in|open to) (?:working together|a partnership|partnering|collaborating|a collaboration)\b",
    r"|\bofrecemos (?:servicios|soluciones)\b|\b(?:propuesta|oportunidad) de (?:colaboracion|negocio|alianza)\b|\bme gustaria ofrecer(?:les|te)?\b",
    r"|\bwir bieten (?:ihnen |euch )?(?:\S+ ){0,3}?(?:dienstleistungen|services|losungen|beratung)\b|\b(?:kooperation|partnerschaft)(?:sanfrage|sangebot)?\b|\bich mochte (?:ihnen|euch) (?:\S+ ){0,3}?anbieten\b",
));

/// "we offer SEO services": a pitch unless the visitor is also shopping.
static VENDOR_WEAK: Pattern = Pattern::new(concat!(
    r"\bwe (?:offer|provide|sell|deliver|do) (?:\S+ ){0,4}?(?:services?|outsourcing|backlinks?|link building|seo|consulting|staffing|design|development|ads)\b|\b(?:our|my) (?:agency|firm) (?:can|could|would|helps?|offers?|specializes?)\b",
    r"|\b(?:i|we) run (?:an? )?(?:seo|marketing|design|web design|dev|development|lead gen\w*|growth|ads|ppc|web|digital) (?:agency|shop|studio|firm)\b|\b(?:want|need) (?:a new website|more (?:traffic|followers|reviews)|better seo)\b",
));

static COMPETITOR: Pattern = Pattern::new(concat!(
    r"\b(?:i|we) work (?:at|for) (?:a |one of your |your |a direct )?competitors?\b|\b(?:i'?m|i am|we'?re|we are) (?:a |one of your |your |a direct |direct )?competitors?\b",
    r"|\b(?:i'?m|i am|we'?re|we are) (?:from|with) (?:a |one of your |your )?competitors?\b|\bfrom (?:a |one of your )competitor\b|\bwe compete with you\b|\bwe'?re in the same (?:space|market|business|industry)\b",
    r"|\b(?:we|i) (?:build|make|sell|develop|run|are building|'re building|am building|'m building|are developing|created|built) (?:a |an |our own )?(?:very )?(?:similar|competing|rival|comparable) (?:product|tool|platform|solution|app|service|bot|chatbot|software)\b",
    r"|\b(?:we|i)(?:'re| are| am|'m)? (?:build|building|make|making|develop|developing) something (?:very )?similar\b|\b(?:we|i) (?:also )?(?:build|make|sell|develop) \w+(?: \w+)? (?:too|as well)\b",
    r"|\bsomos (?:la )?competencia\b|\btrabajo (?:en|para) (?:la )?competencia\b|\b(?:hacemos|desarrollamos|tenemos) (?:un|una) (?:producto|herramienta) (?:similar|parecid[oa])\b",
    r"|\bwir sind (?:ein |eure |ihre |ein direkter )?(?:wettbewerber|konkurrent|konkurrenz|mitbewerber)\b|\bich arbeite (?:bei|fur) (?:einem |der )?(?:wettbewerber|konkurrenten|konkurrenz|mitbewerber)\b|\bwir (?:bauen|entwickeln|haben) (?:ein )?ahnliches produkt\b",
));

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &JOB_SEEKER,
    &OWN_HIRING,
    &CUSTOMER,
    &PROBLEM,
    &ACCESS_OR_BILLING,
    &OWNED_PART_BROKEN,
    &HOW_TO,
    &UPSELL,
    &SHOPPING,
    &OWN_BUSINESS,
    &STUDENT_SELF,
    &STUDENT_WORK,
    &VENDOR_STRONG,
    &VENDOR_WEAK,
    &COMPETITOR,
];
