//! Name parsing: strip non-name material, tokenize, classify roles by endings, reduce
//! patronymics to the father's name, stem surnames, gather sex evidence.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::hygiene::clean;
use crate::keys::{loose_keys, loose_keys_of_strict, strict_key};
use crate::phonetic::phonetic_codes;

/// What a token is, judged from its ending and form rather than its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A surname by its ending (-ов, -ева, -ин, -ский, -енко, -ov …).
    Surname,
    /// A patronymic (-ович, -овна, -ұлы, -қызы, -uly, -kyzy …), reduced to the father's name.
    Patronymic,
    /// A single letter: an initial.
    Initial,
    /// A given name, or a suffix-less surname: the ending cannot tell.
    Unknown,
}

/// Sex as a name's form suggests it; evidence, not fact (a Russian genitive looks feminine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SexEvidence {
    /// Masculine forms.
    Male,
    /// Feminine forms.
    Female,
}

/// Something normalization noticed and worked around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Non-name material was removed (an honorific, a bracketed note, digits).
    Stripped(String),
    /// Nothing name-like was left.
    Empty,
    /// Masculine and feminine forms in one name.
    ConflictingSex,
}

/// What a token's text alone determines: its keys, role, stem and sex evidence. Computed
/// once per distinct token and shared (see [`analyse`]).
#[derive(Debug, PartialEq, Eq)]
struct TokenKeys {
    strict: String,
    loose: Vec<String>,
    skeletons: Vec<String>,
    phonetic: Vec<String>,
    role: Role,
    kazakh_patronymic: bool,
    stem: Option<String>,
    sex: Option<SexEvidence>,
}

/// One token of a name, as written and as keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameToken {
    original: String,
    keys: Arc<TokenKeys>,
    /// Set when a separate ұлы/қызы after the token made it a patronymic: its father key.
    patronymic_by_next: Option<Option<String>>,
}

impl NameToken {
    /// The token as it was written (after hygiene only).
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Its role.
    pub fn role(&self) -> Role {
        if self.patronymic_by_next.is_some() {
            Role::Patronymic
        } else {
            self.keys.role
        }
    }

    /// Whether it is a Kazakh patronymic form (-ұлы, -қызы, -uly, -kyzy), which is often
    /// the person's legal surname and so also names the person.
    pub fn is_kazakh_patronymic(&self) -> bool {
        self.patronymic_by_next.is_none() && self.keys.kazakh_patronymic
    }

    /// Its strict key.
    pub fn strict(&self) -> &str {
        &self.keys.strict
    }

    /// Its loose keys (one, or two for an initial J).
    pub fn loose(&self) -> &[String] {
        &self.keys.loose
    }

    /// Its Daitch–Mokotoff codes (see [`crate::phonetic_codes`]); none for initials.
    pub fn phonetic(&self) -> &[String] {
        &self.keys.phonetic
    }

    /// The consonant skeletons of its loose keys (see [`crate::skeleton_key`]).
    pub fn skeletons(&self) -> &[String] {
        &self.keys.skeletons
    }

    /// For surnames and patronymics, the loose key of the stem: the surname without its
    /// gender suffix, or the father's name.
    pub fn stem(&self) -> Option<&str> {
        match &self.patronymic_by_next {
            Some(father) => father.as_deref(),
            None => self.keys.stem.as_deref(),
        }
    }
}

/// A name parsed into tokens with keys; the original text is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedName {
    original: String,
    tokens: Vec<NameToken>,
    /// Alternative keys of compound given names: tokens written together, in both orders
    /// (Қасым Жомарт → the key of Қасымжомарт, as Қасым-Жомарт gives), and the parts of a
    /// hyphenated token (Қасым-Жомарт → Қасым, Жомарт).
    compounds: Vec<Arc<str>>,
    father: Option<String>,
    sex: Option<SexEvidence>,
}

impl NormalizedName {
    /// The name exactly as given.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// Every token in written order, patronymics included.
    pub fn tokens(&self) -> &[NameToken] {
        &self.tokens
    }

    /// The tokens that name the person: surnames, given names, initials, and Kazakh
    /// patronymic forms (often the legal surname); not Russian-form patronymics.
    pub fn own_tokens(&self) -> impl Iterator<Item = &NameToken> {
        self.tokens
            .iter()
            .filter(|t| t.role() != Role::Patronymic || t.is_kazakh_patronymic())
    }

    /// The loose key of the father's name, from a patronymic or a -ұлы/-қызы surname.
    pub fn father_key(&self) -> Option<&str> {
        self.father.as_deref()
    }

    /// Sex suggested by the name's forms.
    pub fn sex(&self) -> Option<SexEvidence> {
        self.sex
    }

    /// Every loose key of the person's own tokens (not initials), sorted, without repeats.
    pub fn loose_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .own_tokens()
            .filter(|t| t.role() != Role::Initial)
            .flat_map(|t| t.loose().iter().map(String::as_str))
            .chain(self.compounds.iter().map(|k| &**k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Daitch–Mokotoff codes of the person's own tokens, sorted, without repeats: the
    /// phonetic net for blocking beside the loose and skeleton keys.
    pub fn phonetic_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .own_tokens()
            .flat_map(|t| t.phonetic().iter().map(String::as_str))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Skeleton keys (see [`crate::skeleton_key`]) of the person's own tokens, for blocking.
    pub fn skeleton_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .loose_keys()
            .into_iter()
            .filter_map(crate::skeleton_key)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// True when the two names share a loose key of their own tokens.
    pub fn shares_loose_key(&self, other: &NormalizedName) -> bool {
        let theirs = other.loose_keys();
        self.loose_keys().iter().any(|k| theirs.contains(k))
    }
}

const HONORIFICS: &[&str] = &[
    "аға",
    "ага",
    "апа",
    "апай",
    "тәте",
    "әже",
    "мырза",
    "ханым",
    "қажы",
    "ажы",
    "гр",
    "гражданин",
    "гражданка",
    "тов",
    "товарищ",
    "mr",
    "mrs",
    "ms",
    "г-н",
    "г-жа",
    "марқұм",
    "покойный",
    "покойная",
    "погиб",
    "погибла",
    "ақсақал",
];

/// Patronymic endings with the sex they show and whether a removed `-ев`/`-ьев` needs a
/// letter restored (Сергеевич → Сергей).
const PATRONYMIC_ENDINGS: &[(&str, SexEvidence)] = &[
    ("ұлы", SexEvidence::Male),
    ("улы", SexEvidence::Male),
    ("uly", SexEvidence::Male),
    ("ulı", SexEvidence::Male),
    ("uli", SexEvidence::Male),
    ("ūly", SexEvidence::Male),
    ("ūlı", SexEvidence::Male),
    ("қызы", SexEvidence::Female),
    ("кызы", SexEvidence::Female),
    ("kyzy", SexEvidence::Female),
    ("qyzy", SexEvidence::Female),
    ("qızı", SexEvidence::Female),
    ("kizi", SexEvidence::Female),
    ("qizi", SexEvidence::Female),
    ("евич", SexEvidence::Male),
    ("ович", SexEvidence::Male),
    ("евна", SexEvidence::Female),
    ("овна", SexEvidence::Female),
    ("инична", SexEvidence::Female),
    ("ична", SexEvidence::Female),
    ("ич", SexEvidence::Male),
    ("yevich", SexEvidence::Male),
    ("evich", SexEvidence::Male),
    ("ovich", SexEvidence::Male),
    ("yevna", SexEvidence::Female),
    ("evna", SexEvidence::Female),
    ("ovna", SexEvidence::Female),
];

/// The Kazakh patronymic endings among [`PATRONYMIC_ENDINGS`].
const KAZAKH_PATRONYMIC_ENDINGS: &[&str] = &[
    "ұлы", "улы", "uly", "ulı", "uli", "ūly", "ūlı", "қызы", "кызы", "kyzy", "qyzy", "qızı",
    "kizi", "qizi",
];

/// Surname endings, longest first, with the sex they show (`None` for indeclinable forms).
const SURNAME_ENDINGS: &[(&str, Option<SexEvidence>)] = &[
    ("ская", Some(SexEvidence::Female)),
    ("цкая", Some(SexEvidence::Female)),
    ("ский", Some(SexEvidence::Male)),
    ("цкий", Some(SexEvidence::Male)),
    ("енко", None),
    ("ова", Some(SexEvidence::Female)),
    ("ева", Some(SexEvidence::Female)),
    ("ёва", Some(SexEvidence::Female)),
    ("ина", Some(SexEvidence::Female)),
    ("ына", Some(SexEvidence::Female)),
    ("ов", Some(SexEvidence::Male)),
    ("ев", Some(SexEvidence::Male)),
    ("ёв", Some(SexEvidence::Male)),
    ("ин", Some(SexEvidence::Male)),
    ("ын", Some(SexEvidence::Male)),
    ("skaya", Some(SexEvidence::Female)),
    ("skiy", Some(SexEvidence::Male)),
    ("skii", Some(SexEvidence::Male)),
    ("sky", Some(SexEvidence::Male)),
    ("enko", None),
    ("yeva", Some(SexEvidence::Female)),
    ("ieva", Some(SexEvidence::Female)),
    ("ova", Some(SexEvidence::Female)),
    ("eva", Some(SexEvidence::Female)),
    ("ina", Some(SexEvidence::Female)),
    ("yna", Some(SexEvidence::Female)),
    ("yev", Some(SexEvidence::Male)),
    ("iev", Some(SexEvidence::Male)),
    ("ov", Some(SexEvidence::Male)),
    ("ev", Some(SexEvidence::Male)),
    ("in", Some(SexEvidence::Male)),
    ("yn", Some(SexEvidence::Male)),
];

/// The shortest stem a suffix may leave (so that Ин, Ли, Ким are not stripped).
const MIN_STEM_CHARS: usize = 3;

fn strip_suffix_chars<'a>(token: &'a str, suffix: &str) -> Option<&'a str> {
    let stem = token.strip_suffix(suffix)?;
    (stem.chars().count() >= MIN_STEM_CHARS).then_some(stem)
}

/// The father's name (as cleaned text) and sex from a patronymic, if the token is one.
fn patronymic(token: &str) -> Option<(String, SexEvidence)> {
    for (ending, sex) in PATRONYMIC_ENDINGS {
        let Some(stem) = strip_suffix_chars(token, ending) else {
            continue;
        };
        let father = match *ending {
            // Сергеевич → Серге + й; Васильевич → Василь → Василий; Алиевич → Али.
            "евич" | "евна" => {
                if let Some(base) = stem.strip_suffix('ь') {
                    format!("{base}ий")
                } else if stem.ends_with('е') {
                    format!("{stem}й")
                } else {
                    stem.to_string()
                }
            }
            "yevich" | "evich" | "yevna" | "evna" if stem.ends_with('e') => format!("{stem}y"),
            "ич" if !stem.ends_with('ь') => return None,
            "ич" => format!("{}я", stem.trim_end_matches('ь')),
            "инична" => format!("{stem}а"),
            _ => stem.to_string(),
        };
        return Some((father, *sex));
    }
    None
}

fn surname(token: &str) -> Option<(String, Option<SexEvidence>)> {
    SURNAME_ENDINGS.iter().find_map(|(ending, sex)| {
        let stem = strip_suffix_chars(token, ending)?;
        let stem = match *ending {
            "ская" | "ский" | "skaya" | "skiy" | "skii" | "sky" => format!("{stem}sk"),
            "цкая" | "цкий" => format!("{stem}цк"),
            _ => stem.to_string(),
        };
        Some((stem, *sex))
    })
}

fn first_loose(text: &str) -> Option<String> {
    loose_keys(text).into_iter().next()
}

/// How many distinct tokens a thread remembers before it starts afresh: enough for every
/// name in a national list, small enough (a few tens of MB) to stay out of the way.
const CACHE_LIMIT: usize = 200_000;

thread_local! {
    static TOKEN_CACHE: RefCell<HashMap<String, Arc<TokenKeys>>> = RefCell::new(HashMap::new());
    /// Compound keys by the addresses of the two tokens' cached keys. Every address here
    /// belongs to an entry of `TOKEN_CACHE`, and both caches are cleared together, so an
    /// address cannot be reused while an entry names it.
    static COMPOUND_CACHE: RefCell<CompoundCache> =
        const { RefCell::new(HashMap::with_hasher(AddressHash)) };
}

/// Compound keys by the addresses of two tokens' cached keys.
type CompoundCache = HashMap<(usize, usize), Option<Arc<str>>, AddressHash>;

/// A multiplicative hash for pairs of addresses (SipHash's strength buys nothing here).
#[derive(Clone, Copy, Default)]
struct AddressHash;

impl std::hash::BuildHasher for AddressHash {
    type Hasher = AddressHasher;
    fn build_hasher(&self) -> AddressHasher {
        AddressHasher(0)
    }
}

#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The loose key of two given-name tokens written as one word.
fn compound_key(first: &NameToken, second: &NameToken) -> Option<Arc<str>> {
    let address = (
        Arc::as_ptr(&first.keys) as usize,
        Arc::as_ptr(&second.keys) as usize,
    );
    if let Some(hit) = COMPOUND_CACHE.with_borrow(|cache| cache.get(&address).cloned()) {
        return hit;
    }
    let key = loose_keys_of_strict(&format!("{}{}", first.strict(), second.strict()))
        .into_iter()
        .next()
        .map(Arc::from);
    COMPOUND_CACHE.with_borrow_mut(|cache| {
        // Pairs of tokens can be many more than tokens: bounded on its own, too.
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(address, key.clone());
    });
    key
}

/// The keys, role and stem of one cleaned token without hyphens. Names repeat (a list of a
/// million victims has a few tens of thousands of distinct tokens), so each thread keeps
/// what it has computed; the result depends on the text alone, so the cache cannot change
/// an answer.
fn analyse(compact: &str) -> Arc<TokenKeys> {
    if let Some(hit) = TOKEN_CACHE.with_borrow(|cache| cache.get(compact).cloned()) {
        return hit;
    }
    let keys = Arc::new(analyse_uncached(compact));
    TOKEN_CACHE.with_borrow_mut(|cache| {
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
            COMPOUND_CACHE.with_borrow_mut(HashMap::clear);
        }
        cache.insert(compact.to_string(), Arc::clone(&keys));
    });
    keys
}

fn analyse_uncached(compact: &str) -> TokenKeys {
    let strict = strict_key(compact);
    let mut kazakh_patronymic = false;
    let mut sex = None;
    // Tokens hold only letters and apostrophes by now.
    let (role, stem) = if compact.chars().filter(|c| *c != '\'').count() == 1 {
        (Role::Initial, None)
    } else if let Some((father_name, evidence)) = patronymic(compact) {
        kazakh_patronymic = KAZAKH_PATRONYMIC_ENDINGS
            .iter()
            .any(|e| compact.ends_with(e));
        sex = Some(evidence);
        (Role::Patronymic, first_loose(&father_name))
    } else if let Some((stem, evidence)) = surname(compact) {
        sex = evidence;
        (Role::Surname, first_loose(&stem))
    } else {
        (Role::Unknown, None)
    };
    let phonetic = if role == Role::Initial {
        Vec::new()
    } else {
        phonetic_codes(&strict)
    };
    let loose = loose_keys_of_strict(&strict);
    let skeletons = loose
        .iter()
        .filter_map(|k| crate::skeleton_key(k))
        .collect();
    TokenKeys {
        loose,
        skeletons,
        strict,
        phonetic,
        role,
        kazakh_patronymic,
        stem,
        sex,
    }
}

/// Parses a name as written, in any script and order; never fails.
pub fn normalize(name: &str) -> (NormalizedName, Vec<Warning>) {
    let mut warnings = Vec::new();
    let cleaned = clean(name);
    // Bracketed notes ("(34 года)", "(погиб)") and digits are not name material.
    let mut without_notes = String::with_capacity(cleaned.len());
    let mut depth = 0usize;
    let mut stripped = String::new();
    for c in cleaned.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            c if depth > 0
                || c.is_ascii_digit()
                || matches!(c, '?' | '!' | '№' | '*' | '"' | ',' | ';' | ':') =>
            {
                stripped.push(c)
            }
            c => without_notes.push(c),
        }
    }
    if !stripped.trim().is_empty() || cleaned.contains('(') {
        warnings.push(Warning::Stripped(stripped.trim().to_string()));
    }
    let raw_tokens: Vec<String> = without_notes
        .split(|c: char| c.is_whitespace() || c == '.')
        .map(|t| t.trim_matches(|c: char| c == '-' || c == '\''))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut tokens: Vec<NameToken> = Vec::new();
    let mut sexes = Vec::new();
    let mut alternatives: Vec<Arc<str>> = Vec::new();
    for text in raw_tokens {
        if HONORIFICS.contains(&text.as_str()) {
            warnings.push(Warning::Stripped(text));
            continue;
        }
        // A separate ұлы/қызы/uly/kyzy makes the previous token a patronymic.
        if let Some((_, sex)) = PATRONYMIC_ENDINGS
            .iter()
            .find(|(ending, _)| *ending == text && ending.chars().count() >= 3)
            && let Some(previous) = tokens.last_mut()
            && previous.role() != Role::Patronymic
        {
            previous.patronymic_by_next = Some(first_loose(&previous.original));
            sexes.push(*sex);
            continue;
        }
        let compact: String = text.chars().filter(|c| *c != '-').collect();
        let keys = analyse(&compact);
        if keys.strict.is_empty() {
            continue;
        }
        if text.contains('-') {
            // A hyphenated compound also answers to its parts (Қасым-Жомарт to Қасым).
            for part in text.split('-').filter(|p| p.chars().count() > 1) {
                alternatives.extend(analyse(part).loose.first().map(|k| Arc::from(k.as_str())));
            }
        }
        sexes.extend(keys.sex);
        tokens.push(NameToken {
            original: text,
            keys,
            patronymic_by_next: None,
        });
    }
    // A lone -ұлы/-қызы token with no other patronymic is the legal surname made of the
    // father's name (Бүркітқызы Айгерім): it still names the father.
    if tokens.is_empty() {
        warnings.push(Warning::Empty);
    }
    let male = sexes.contains(&SexEvidence::Male);
    let female = sexes.contains(&SexEvidence::Female);
    let sex = match (male, female) {
        (true, false) => Some(SexEvidence::Male),
        (false, true) => Some(SexEvidence::Female),
        (true, true) => {
            warnings.push(Warning::ConflictingSex);
            None
        }
        (false, false) => None,
    };
    // The father's name: a patronymic proper (Russian form, or a name followed by a separate
    // ұлы/қызы) before a -ұлы/-қызы form, which is often the legal surname made of the
    // father's or grandfather's name; ties go to the smallest key, so that the written order
    // does not matter.
    let father = tokens
        .iter()
        .filter(|t| t.role() == Role::Patronymic)
        .filter_map(|t| Some((t.is_kazakh_patronymic(), t.stem()?)))
        .min()
        .map(|(_, key)| key.to_string());
    // Every ordered pair, so that the keys do not depend on the order the name was written in.
    let given: Vec<&NameToken> = tokens
        .iter()
        .filter(|t| t.role() == Role::Unknown)
        .collect();
    let mut compounds = alternatives;
    for a in &given {
        for b in &given {
            if !std::ptr::eq(*a, *b)
                && let Some(key) = compound_key(a, b)
            {
                compounds.push(key);
            }
        }
    }
    (
        NormalizedName {
            original: name.to_string(),
            tokens,
            compounds,
            father,
            sex,
        },
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(name: &str) -> Vec<(String, Role)> {
        normalize(name)
            .0
            .tokens()
            .iter()
            .map(|t| (t.original().to_string(), t.role()))
            .collect()
    }

    #[test]
    fn roles_come_from_endings_not_positions() {
        assert_eq!(
            roles("Нурсултан Жубаназаров Асетович"),
            [
                ("нурсултан".to_string(), Role::Unknown),
                ("жубаназаров".to_string(), Role::Surname),
                ("асетович".to_string(), Role::Patronymic),
            ]
        );
        assert_eq!(
            roles("ЖУБАНАЗАРОВ Н.А."),
            [
                ("жубаназаров".to_string(), Role::Surname),
                ("н".to_string(), Role::Initial),
                ("а".to_string(), Role::Initial),
            ]
        );
    }

    #[test]
    fn patronymics_reduce_to_the_fathers_name() {
        for (name, father, sex) in [
            ("Иванов Иван Сергеевич", "sergei", SexEvidence::Male),
            ("Иванова Мария Васильевна", "vasili", SexEvidence::Female),
            ("Асанов Ерлан Ерланұлы", "erlan", SexEvidence::Male),
            ("Айгерім Бүркітқызы", "burkit", SexEvidence::Female),
            ("Aigerim Burkitkyzy", "burkit", SexEvidence::Female),
            ("Нурлан Серик улы", "serik", SexEvidence::Male),
            ("Kasymov Erlan Serikovich", "serik", SexEvidence::Male),
            // Issue 4: the 2021 Kazakh Latin alphabet writes ұ as ū and і as ı.
            ("Imanğaliev Hasen Aibolūly", "aibol", SexEvidence::Male),
            ("Süleimenov Azamat Nauryzūly", "nauriz", SexEvidence::Male),
            ("СУЛЕЙМЕНОВ Азамат Наурызович", "nauriz", SexEvidence::Male),
            ("Äbuğalieva Aigül Serıkqyzy", "serik", SexEvidence::Female),
            ("Nurlan Serık ūly", "serik", SexEvidence::Male),
        ] {
            let (parsed, _) = normalize(name);
            assert_eq!(parsed.father_key(), Some(father), "{name}");
            assert_eq!(parsed.sex(), Some(sex), "{name}");
        }
    }

    #[test]
    fn surname_stems_drop_gender() {
        let (a, _) = normalize("Ахметова Динара");
        let (b, _) = normalize("Akhmetov Marat");
        assert_eq!(a.tokens()[0].stem(), b.tokens()[0].stem());
        assert_eq!(a.sex(), Some(SexEvidence::Female));
    }

    #[test]
    fn strips_non_name_material() {
        let (parsed, warnings) = normalize("1. Қасым-Жомарт аға (34 года)");
        assert_eq!(parsed.tokens().len(), 1);
        assert_eq!(parsed.tokens()[0].loose(), ["kasimzomart"]);
        assert!(!warnings.is_empty());
        let (empty, warnings) = normalize(" (?) ");
        assert!(empty.tokens().is_empty());
        assert!(warnings.contains(&Warning::Empty));
    }

    #[test]
    fn cross_script_names_share_keys_in_any_order() {
        let (a, _) = normalize("Жұбаназаров Нурсултан");
        for other in [
            "ЖУБАНАЗАРОВ Н.А.",
            "Nursultan Zhubanazarov",
            "Jubanazarov Nursultan",
        ] {
            assert!(a.shares_loose_key(&normalize(other).0), "{other}");
        }
    }
}
