//! The fast path for the common template: plain text whose only expressions are dotted
//! paths, `{{project.package}}`.
//!
//! handlebars parses every template with pest, about a third of a millisecond for a
//! 60-line file: for a large blueprint that dwarfs writing the files. Most templates need no
//! more than substitution, so those are rendered here by a single scan. Anything else (a
//! block, a helper, a partial, whitespace control, an escape, a path this scan does not
//! resolve to a string, number or boolean) returns `None` and goes to handlebars, which
//! then renders it or reports the error exactly as before. The tests hold the two to the
//! same output.

use serde_json::Value;

/// handlebars' built-in helpers: alone, `{{with}}` calls the helper, while `{{with.docker}}`
/// is a path.
const HELPERS: &[&str] = &[
    "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte",
    "and", "or", "not", "len",
];

/// `else` and `this` mean something else to handlebars; the literals are left to it too, to
/// be safe.
const KEYWORDS: &[&str] = &["else", "this", "true", "false", "null"];

/// Renders `text` when every `{{...}}` in it is a dotted path to a string, number or boolean
/// of `data`; `None` when handlebars must decide.
pub(crate) fn render(text: &str, data: &Value) -> Option<String> {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let literal = &rest[..open];
        // `\{{` is handlebars' escape for a literal `{{`.
        if literal.ends_with('\\') {
            return None;
        }
        out.push_str(literal);
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        // `}}}` could close a triple-brace expression.
        if after[close + 2..].starts_with('}') {
            return None;
        }
        push_value(&mut out, lookup(data, &after[..close])?)?;
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// The value at `path` (`a.b.c`), if `path` is a plain dotted path and leads to an object
/// field.
fn lookup<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    if KEYWORDS.contains(&first) || (first.len() == path.len() && HELPERS.contains(&first)) {
        return None;
    }
    let mut value = field(data, first)?;
    for segment in segments {
        value = field(value, segment)?;
    }
    Some(value)
}

fn field<'v>(value: &'v Value, name: &str) -> Option<&'v Value> {
    let plain = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !plain {
        return None;
    }
    value.as_object()?.get(name)
}

/// Writes `value` as handlebars does; `None` for values it writes in its own way (null,
/// arrays, objects), which are left to it.
fn push_value(out: &mut String, value: &Value) -> Option<()> {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use handlebars::Handlebars;
    use proptest::prelude::*;
    use serde_json::json;

    fn data() -> Value {
        json!({
            "project": {"package": "demo_app", "title": "Demo App"},
            "base": "fastapi-service",
            "with": {"docker": true},
            "year": 2025,
            "answers": {"port": 8000, "ratio": 0.5, "name": "<a & b>", "empty": "", "nothing": null},
            "python": {"versions": ["3.11", "3.12"]},
            "author": {"name": "Ada"}
        })
    }

    /// The engine as `Renderer` sets it up.
    fn handlebars(text: &str, data: &Value) -> Option<String> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        registry.set_prevent_indent(true);
        registry.render_template(text, data).ok()
    }

    #[test]
    fn substitutes_dotted_paths() {
        let text = "name = \"{{project.package}}\" # {{answers.port}} {{with.docker}} {{year}}";
        let expected = "name = \"demo_app\" # 8000 true 2025";
        assert_eq!(render(text, &data()).as_deref(), Some(expected));
        assert_eq!(handlebars(text, &data()).as_deref(), Some(expected));
    }

    #[test]
    fn leaves_everything_else_to_handlebars() {
        for text in [
            "{{#if with.docker}}x{{/if}}",
            "{{ project.package }}",
            "{{~project.package}}",
            "\\{{project.package}}",
            "{{{project.package}}}",
            "{{project.missing}}",
            "{{project.package.deeper}}",
            "{{python.versions}}",
            "{{python}}",
            "{{answers.nothing}}",
            "{{with}}",
            "{{this}}",
            "{{else}}",
            "{{true}}",
            "{{this.base}}",
            "{{lookup python.versions 0}}",
            "{{> partial}}",
            "{{! comment}}",
            "{{project.package",
            "{{project.package}}}",
            "{{project/package}}",
            "{{../project.package}}",
        ] {
            assert_eq!(render(text, &data()), None, "{text}");
        }
    }

    #[test]
    fn helpers_and_keywords_are_not_paths_to_handlebars_either() {
        let mut data = data();
        let names = || HELPERS.iter().chain(&["else", "this"]);
        for name in names() {
            data[*name] = json!("plain");
        }
        for name in names() {
            let rendered = handlebars(&format!("{{{{{name}}}}}"), &data);
            assert_ne!(rendered.as_deref(), Some("plain"), "{name}");
        }
    }

    /// Pieces of templates, expressions among them, both well- and ill-formed.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z \n\"'<>&=:{}()\\[\\]\\\\$#-]{0,12}",
            Just("{{project.package}}".to_string()),
            Just("{{project.title}}".to_string()),
            Just("{{answers.port}}".to_string()),
            Just("{{answers.ratio}}".to_string()),
            Just("{{answers.name}}".to_string()),
            Just("{{answers.empty}}".to_string()),
            Just("{{with.docker}}".to_string()),
            Just("{{base}}".to_string()),
            Just("{{author.name}}".to_string()),
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("\\".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("{{#if with.docker}}".to_string()),
            Just("{{/if}}".to_string()),
            Just("{{else}}".to_string()),
        ]
    }

    proptest! {
        #[test]
        fn agrees_with_handlebars(pieces in prop::collection::vec(piece(), 0..12)) {
            let text = pieces.concat();
            if let Some(fast) = render(&text, &data()) {
                prop_assert_eq!(Some(fast), handlebars(&text, &data()), "{:?}", text);
            }
        }
    }
}
