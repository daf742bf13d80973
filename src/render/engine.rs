//! The one handlebars engine for code.
//!
//! HTML escaping is off (`Vec<str>` must stay `Vec<str>`), strict mode is on (a missing
//! variable is an error, not an empty string), and every template is rendered under its own
//! path so an error names the file. GitHub Actions expressions `${{ ... }}` are protected
//! before parsing, so workflow files are written exactly as the blueprint author typed them.

use handlebars::Handlebars;
use serde::Serialize;

use crate::error::{Error, Result};

pub struct Renderer {
    registry: Handlebars<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        // Python and YAML are indentation-sensitive: never re-indent anything.
        registry.set_prevent_indent(true);
        Renderer { registry }
    }

    /// Renders `text` with `context`; `name` (the template's path) appears in any error.
    pub fn render(&mut self, name: &str, text: &str, context: &impl Serialize) -> Result<String> {
        let protected = protect_actions_expressions(text);
        if let Ok(data) = serde_json::to_value(context)
            && let Some(rendered) = super::simple::render(&protected, &data)
        {
            return Ok(rendered);
        }
        let fail = |e: &dyn std::fmt::Display| Error::Template {
            path: name.to_string(),
            message: tidy(&e.to_string(), name),
        };
        self.registry
            .register_template_string(name, protected.as_ref())
            .map_err(|e| fail(&e))?;
        let rendered = self.registry.render(name, context).map_err(|e| fail(&e));
        self.registry.unregister_template(name);
        rendered
    }

    /// Renders only when `text` contains an expression; plain text is returned as is.
    pub fn render_if_needed(
        &mut self,
        name: &str,
        text: &str,
        context: &impl Serialize,
    ) -> Result<String> {
        if text.contains("{{") {
            self.render(name, text, context)
        } else {
            Ok(text.to_string())
        }
    }
}

/// `${{` starts a GitHub Actions expression, never a handlebars one: escape its braces so
/// handlebars writes them literally (`\{{` is handlebars' escape for a literal `{{`).
fn protect_actions_expressions(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("${{") {
        std::borrow::Cow::Owned(text.replace("${{", "$\\{{"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// handlebars repeats the template name and wraps lines; keep one plain sentence.
fn tidy(message: &str, name: &str) -> String {
    let quoted = format!("\"{name}\"");
    message
        .replace(&quoted, "")
        .replace("  ", " ")
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(text: &str) -> Result<String> {
        Renderer::new().render("t.py.hbs", text, &json!({"project": {"package": "demo"}}))
    }

    #[test]
    fn does_not_escape_html() {
        assert_eq!(
            render("x: Vec<&str> = \"{{project.package}}\"").unwrap(),
            "x: Vec<&str> = \"demo\""
        );
    }

    #[test]
    fn missing_variable_is_an_error_naming_the_file() {
        let err = render("{{project.pakage}}").unwrap_err().to_string();
        assert!(err.starts_with("template t.py.hbs:"), "{err}");
        assert!(err.contains("project.pakage"), "{err}");
    }

    #[test]
    fn syntax_error_names_the_file() {
        let err = render("{{#if x}}").unwrap_err().to_string();
        assert!(err.starts_with("template t.py.hbs:"), "{err}");
    }

    #[test]
    fn github_actions_expressions_survive() {
        let text =
            "python-version: ${{ matrix.python }}\nname: {{project.package}} ${{github.ref}}";
        assert_eq!(
            render(text).unwrap(),
            "python-version: ${{ matrix.python }}\nname: demo ${{github.ref}}"
        );
    }

    #[test]
    fn indentation_is_kept() {
        let text = "def f():\n    return \"{{project.package}}\"\n";
        assert_eq!(render(text).unwrap(), "def f():\n    return \"demo\"\n");
    }
}
