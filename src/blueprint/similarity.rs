//! How close a typed word is to a known spelling, for "did you mean" suggestions.
//!
//! A character score over whole strings (Jaro-Winkler) rewards a shared first
//! letter and ignores words: "testing" came out nearest "settings" and "python" nearest
//! "pytorch". Here words count first: a spelling that has the typed words, whole or as a
//! prefix or a near miss, scores high; a typo of the whole spelling (optimal string alignment,
//! so a swapped pair is one edit) and a long enough typed word inside a spelling ("test" in
//! "pytest") are the fallbacks. Scores run from 0 (nothing in common) to 1 (the same words).

/// The least score worth suggesting.
pub const SUGGEST_FROM: f64 = 0.75;

/// Lower-case words of letters and digits: "CI/CD pipelines" is `["ci", "cd", "pipelines"]`.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A phrase cut into its words once, so a spelling is not cut again for every query.
#[derive(Debug, Clone)]
pub struct Phrase {
    words: Vec<String>,
    key: String,
}

impl Phrase {
    pub fn new(text: &str) -> Phrase {
        let words = words(text);
        let key = words.concat();
        Phrase { words, key }
    }
}

/// How close the typed `query` is to a known `spelling`, from 0 to 1.
pub fn score(query: &str, spelling: &str) -> f64 {
    phrase_score(&Phrase::new(query), &Phrase::new(spelling))
}

/// `score` of phrases already cut.
pub fn phrase_score(query: &Phrase, spelling: &Phrase) -> f64 {
    let (q, s, qk, sk) = (&query.words, &spelling.words, &query.key, &spelling.key);
    if q.is_empty() || s.is_empty() {
        return 0.0;
    }
    let typo = near(qk, sk, 0.78);
    let inside = if inside(qk, s) { 0.8 } else { 0.0 };
    typo.max(inside).max(by_words(q, s))
}

/// Whether the typed `key` (four letters or more) begins or ends one of a spelling's `words`
/// or all of them together: "test" in "pytest", "flow" in "mlflow", but not "rust" in
/// "trusted publishing". (A spelling inside the typed word is not enough: "types" in
/// "typescript".)
fn inside(key: &str, words: &[String]) -> bool {
    let whole = words.concat();
    key.len() >= 4
        && key.len() < whole.len()
        && std::iter::once(&whole)
            .chain(words)
            .any(|w| w.starts_with(key) || w.ends_with(key))
}

/// The share of typed words found in the spelling (each counted by how well it matches),
/// averaged with the share of the spelling's words found: "test" against "unit tests" finds
/// its one word but only half the spelling.
fn by_words(query: &[String], spelling: &[String]) -> f64 {
    let mut found = 0.0;
    let mut used = vec![false; spelling.len()];
    for q in query {
        let best = spelling
            .iter()
            .enumerate()
            .map(|(i, s)| (word_match(q, s), i))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((m, i)) = best.filter(|(m, _)| *m > 0.0) {
            found += m;
            used[i] = true;
        }
    }
    if found == 0.0 {
        return 0.0;
    }
    let spelling_found = share(count(used.iter().filter(|u| **u).count()), spelling.len());
    f64::midpoint(share(found, query.len()), spelling_found)
}

/// `part` out of `whole` words (a few words, so the conversion is exact).
fn share(part: f64, whole: usize) -> f64 {
    part / count(whole)
}

fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// One typed word against one word of a spelling: the same word or its plural is 1; a typed
/// prefix of three letters or more ("dev" of "development"), or the spelling's word with a
/// short ending ("containerised" of "container"), 0.85; a near miss of a longer word its
/// similarity; anything else 0 ("typescript" is not "types").
fn word_match(q: &str, s: &str) -> f64 {
    if q == s || singular(q) == singular(s) {
        return 1.0;
    }
    let typed_prefix = q.len() >= 3 && s.starts_with(q);
    let stem = singular(s);
    let short_ending = stem.len() >= 4 && q.starts_with(stem) && q.len() - stem.len() <= 4;
    if typed_prefix || short_ending {
        return 0.85;
    }
    if q.len().min(s.len()) >= 4 {
        near(q, s, 0.8)
    } else {
        0.0
    }
}

/// 1 less the share of edits (insertions, deletions, substitutions and swaps of neighbours:
/// strsim's optimal string alignment) that turn `a` into `b`, when that is at least `least`;
/// otherwise 0. Lengths too far apart cannot reach `least` (each letter of difference is an
/// edit), so they are not compared.
fn near(a: &str, b: &str, least: f64) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = count(la.max(lb));
    if longest == 0.0 || count(la.abs_diff(lb)) > (1.0 - least) * longest {
        return 0.0;
    }
    let similar = 1.0 - count(strsim::osa_distance(a, b)) / longest;
    if similar >= least { similar } else { 0.0 }
}

/// The word without a plural "s" ("tests", "OOPs"); words of three letters or fewer and
/// those ending in "ss" are kept.
pub fn singular(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if word.len() > 3 && !stem.ends_with('s') => stem,
        _ => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_beat_shared_letters() {
        assert!(score("testing", "settings") < SUGGEST_FROM);
        assert!(score("python", "pytorch") < SUGGEST_FROM);
        assert!(score("test", "testing") > score("test", "pytest"));
        assert!(score("test", "pytest") >= SUGGEST_FROM);
    }

    #[test]
    fn typos_and_swapped_letters_are_close() {
        for (typed, known) in [
            ("dokcer", "docker"),
            ("fastapy", "fastapi"),
            ("pandsa", "pandas"),
            ("machine lerning", "machine learning"),
            ("pyton", "python"),
        ] {
            assert!(score(typed, known) >= 0.8, "{typed} {known}");
        }
    }

    #[test]
    fn prefixes_and_plurals_count_as_the_word() {
        assert!(score("web dev", "web development") > 0.9);
        assert!(score("oops", "oop") > 0.9);
        assert!(score("unit test", "unit tests") > 0.95);
    }

    #[test]
    fn short_or_unrelated_words_are_not_suggested() {
        assert!(score("rust", "rest") < SUGGEST_FROM);
        assert!(score("zzzqqq", "sql") < SUGGEST_FROM);
        assert!(score("django", "mongo") < SUGGEST_FROM);
        assert!(score("rust", "trusted publishing") < SUGGEST_FROM);
        assert!(score("typescript", "types") < SUGGEST_FROM);
    }
}
