//! heat-rs's own XSLT 1.0 processor, in Rust: what `-t` runs unless the build links the
//! system's libxslt (the `system-libxslt` feature).
//!
//! It covers XSLT 1.0 and XPath 1.0 as heat users' stylesheets use them: template rules with
//! priorities, modes and import precedence (`xsl:import`, `xsl:include`), named templates and
//! parameters, variables and result tree fragments, `xsl:key`/`key()`, `xsl:sort`,
//! `xsl:number`, `xsl:copy`/`xsl:copy-of`, literal result elements with attribute value
//! templates, `xsl:element`/`xsl:attribute`, `xsl:strip-space`/`xsl:preserve-space`,
//! `xsl:message`, `document()`, `format-number()`, `generate-id()`, and `node-set()` from .NET
//! (`msxsl:`) and EXSLT (`exsl:`). Not supported: the namespace axis (it is empty),
//! `xsl:namespace-alias`, `xsl:decimal-format` (the default format is used), `id()` (there is
//! no DTD), `msxsl:script` (.NET code) and other extension functions and elements.
//!
//! Errors name the file and line of the stylesheet's instruction at fault, in libxslt's words.
//!
//! A stylesheet runs sandboxed and bounded: it reads local files only (`document()`,
//! `xsl:import`, `xsl:include`: no `http:`, `ftp:` or other URL, no `\\server\share`, only
//! regular files up to 1 GiB), writes none (`xsl:document`, `xsl:result-document` and the
//! extension elements that write files, EXSLT's `exsl:document`, Saxon's `saxon:output`,
//! Xalan's `redirect:write`, are refused when the stylesheet is compiled), templates and
//! attribute sets call each other at most 3000 deep, elements nest at most 10,000 deep in any
//! tree, XPath expressions nest at most 256 deep, and the transform stops at its deadline.

mod compile;
mod exec;
mod tree;
mod xpath;

use std::path::Path;
use std::time::{Duration, Instant};

use self::compile::Stylesheet;
use self::tree::{Arena, NodeId};
use self::xpath::NodeTest;

/// A transform's result: the result tree as XML text, and what `xsl:message` wrote.
pub(crate) struct Transformed {
    pub xml: String,
    pub messages: String,
}

/// Applies the stylesheet in file `path` to the document `xml`, on this thread (which needs
/// a large stack: templates that call templates recurse; `-t` gives it 256 MiB), stopping at
/// `deadline` (the instant, and the time given, for the message). The error is the message of
/// the first failure: a stylesheet or document that is not well-formed, a stylesheet that
/// does not compile, or a failure while it runs (with the messages written before it).
pub(crate) fn transform(
    path: &Path,
    xml: &str,
    deadline: Option<(Instant, Duration)>,
) -> Result<Transformed, String> {
    let mut arena = Arena::default();
    let ss = compile::compile(&mut arena, path)?;
    let source = arena.parse(xml, None).map_err(|e| {
        format!(
            "the harvested WiX is not well-formed: line {}: {}",
            e.line, e.message
        )
    })?;
    strip_source(&mut arena, &ss, source);
    let mut ex = exec::Exec::new(arena, &ss, source, deadline);
    match ex.run_main() {
        Ok(root) => Ok(Transformed {
            xml: ex.arena.serialize(root),
            messages: std::mem::take(&mut ex.messages),
        }),
        Err(e) => Err(format!("{}{e}", ex.messages)),
    }
}

/// Applies `xsl:strip-space`/`xsl:preserve-space` to a source document.
fn strip_source(arena: &mut Arena, ss: &Stylesheet, root: NodeId) {
    if !ss.space.iter().any(|r| r.strip) {
        return;
    }
    let strip = |name: &tree::Name| -> bool {
        let mut best: Option<(usize, f64, bool)> = None;
        for r in &ss.space {
            let priority = match &r.test {
                NodeTest::Any => -0.5,
                NodeTest::AnyIn(uri) if *uri == name.uri => -0.25,
                NodeTest::Name(q) if q.local == name.local && q.uri == name.uri => 0.0,
                _ => continue,
            };
            let better = best.is_none_or(|(p, q, _)| (r.precedence, priority) >= (p, q));
            if better {
                best = Some((r.precedence, priority, r.strip));
            }
        }
        best.is_some_and(|(_, _, s)| s)
    };
    arena.strip_space(root, &strip, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(xsl: &str, xml: &str) -> Result<Transformed, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xsl");
        std::fs::write(&path, xsl).unwrap();
        let xml = xml.to_owned();
        // The stack -t gives a transform.
        std::thread::Builder::new()
            .stack_size(super::super::STACK)
            .spawn(move || transform(&path, &xml, None))
            .unwrap()
            .join()
            .unwrap()
    }

    fn out(xsl: &str, xml: &str) -> String {
        run(xsl, xml).unwrap_or_else(|e| panic!("{e}")).xml
    }

    const HEAD: &str =
        r#"<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">"#;

    #[test]
    fn identity_with_namespaces() {
        let xsl = format!(
            r#"{HEAD}<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template></xsl:stylesheet>"#
        );
        let xml = r#"<a xmlns="urn:a" xmlns:b="urn:b"><b:c b:x="1" y="&quot;2&amp;">t&lt;</b:c><!--c--><?p d?></a>"#;
        assert_eq!(out(&xsl, xml), xml);
    }

    #[test]
    fn sorting_numbering_and_functions() {
        let xsl = format!(
            r#"{HEAD}<xsl:output method="xml"/><xsl:template match="/"><r>
<xsl:for-each select="//i"><xsl:sort select="@n" data-type="number" order="descending"/><x p="{{position()}}" n="{{@n}}"><xsl:number/></x></xsl:for-each>
<s><xsl:value-of select="concat(substring('12345', 2, 3), '|', translate('abc', 'ab', 'A'), '|', normalize-space('  a  b '), '|', format-number(1234.5, '#,##0.0'), '|', 7 mod 3, '|', round(2.5), '|', count(//i[@n &gt; 1]))"/></s>
</r></xsl:template></xsl:stylesheet>"#
        );
        let xml = "<l><i n='1'/><i n='10'/><i n='2'/></l>";
        assert_eq!(
            out(&xsl, xml),
            "<r><x p=\"1\" n=\"10\">2</x><x p=\"2\" n=\"2\">3</x><x p=\"3\" n=\"1\">1</x><s>234|Ac|a b|1,234.5|1|3|2</s></r>"
        );
    }

    #[test]
    fn named_templates_params_modes_and_keys() {
        let xsl = format!(
            r#"{HEAD}<xsl:key name="k" match="i" use="@g"/>
<xsl:template match="/"><r><xsl:call-template name="t"><xsl:with-param name="p" select="'P'"/></xsl:call-template><xsl:apply-templates select="//i" mode="m"/></r></xsl:template>
<xsl:template name="t"><xsl:param name="p" select="'default'"/><xsl:param name="q" select="'Q'"/><t><xsl:value-of select="concat($p, $q)"/></t></xsl:template>
<xsl:template match="i" mode="m"><g n="{{count(key('k', @g))}}"/></xsl:template>
</xsl:stylesheet>"#
        );
        let xml = "<l><i g='a'/><i g='b'/><i g='a'/></l>";
        assert_eq!(
            out(&xsl, xml),
            "<r><t>PQ</t><g n=\"2\"/><g n=\"1\"/><g n=\"2\"/></r>"
        );
    }

    #[test]
    fn errors_say_where() {
        let e = run(
            &format!("{HEAD}\n<xsl:template match=\"/\">\n<xsl:value-of select=\"1 +\"/></xsl:template></xsl:stylesheet>"),
            "<a/>",
        )
        .err()
        .unwrap();
        assert!(e.contains("line 3") && e.contains("value-of"), "{e}");
        let e = run(
            &format!("{HEAD}<xsl:template match=\"/\"><xsl:foo/></xsl:template></xsl:stylesheet>"),
            "<a/>",
        )
        .err()
        .unwrap();
        assert!(e.contains("xsl:foo"), "{e}");
        let e = run(&format!("{HEAD}<xsl:template match=\"/\"><xsl:value-of select=\"$nope\"/></xsl:template></xsl:stylesheet>"), "<a/>")
            .err()
            .unwrap();
        assert!(e.contains("$nope") && e.contains("runtime error"), "{e}");
    }
}
