//! Writing a transform's result as heat does: heat hands the result of each `-t` stylesheet to
//! .NET's `XmlWriter` with `Indent = true`, `IndentChars = "    "` and `OmitXmlDeclaration`
//! (heat's `UtilTransformMutator`), whatever the stylesheet's `xsl:output` says. Here the
//! indentation is the run's (`-indent`, four by default), like the rest of the output.
//!
//! That writer's rules, reproduced here (from the behaviour of .NET's
//! `XmlEncodedRawTextWriterIndent`):
//! - an element, comment or processing instruction starts on a new line, indented one step a
//!   level, unless the element it is in holds text ("mixed content"): from the first text
//!   written in an element (white space included) up to its end, nothing more is indented in
//!   it, its descendants included; the root element starts clean even after white space
//!   outside it;
//! - an end tag goes on a line of its own when the element holds children and no text;
//! - an element with no content at all is written `<X a="b" />`;
//! - `&`, `<` and `>` in text are written as entities, and every line end in text, comments and
//!   processing instructions as the output's line end; attribute values as heat's own writer
//!   writes them ([`escape_attr`]).
//!
//! So a stylesheet that copies the harvest's white space (the usual identity template) gets
//! the harvest's own layout back, a removed element leaving its line's white space behind as
//! heat's does, and one with `xsl:strip-space elements="*"` gets a freshly indented document.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::wix::escape::describe_non_xml_char;
use crate::xml::write::{escape_attr, escape_text, Format, LineEnding};

struct Writer {
    out: String,
    nl: LineEnding,
    indent: String,
    level: usize,
    mixed: bool,
    mixed_stack: Vec<bool>,
    /// The last thing written was text (or nothing yet): no indentation before the next node.
    after_text: bool,
    /// A start tag is written up to its attributes, without its `>` yet.
    open_tag: bool,
    /// Where the content of the innermost open element starts.
    content_at: usize,
}

impl Writer {
    fn indent(&mut self) {
        self.out.push_str(self.nl.as_str());
        for _ in 0..self.level {
            self.out.push_str(&self.indent);
        }
    }

    /// `StartElementContent`: closes a pending start tag.
    fn close_tag(&mut self) {
        if !self.open_tag {
            return;
        }
        self.out.push('>');
        self.open_tag = false;
        self.content_at = self.out.len();
        // The root element does not inherit the state of the document level.
        self.mixed = if self.level == 1 {
            false
        } else {
            self.mixed_stack.last().copied().unwrap_or(false)
        };
    }

    fn start(&mut self, name: &str, attrs: &[(String, String)]) -> Result<(), String> {
        self.close_tag();
        if !self.mixed && !self.after_text {
            self.indent();
        }
        self.level += 1;
        self.mixed_stack.push(self.mixed);
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_attr(v, &mut self.out).map_err(|c| {
                format!(
                    "the result's attribute '{k}' of <{name}> holds {}",
                    describe_non_xml_char(c)
                )
            })?;
            self.out.push('"');
        }
        self.open_tag = true;
        self.after_text = false;
        Ok(())
    }

    fn end(&mut self, name: &str) {
        self.close_tag();
        self.level -= 1;
        let empty = self.out.len() == self.content_at;
        if !self.mixed && !empty && !self.after_text {
            self.indent();
        }
        self.mixed = self.mixed_stack.pop().unwrap_or(false);
        if empty {
            self.out.pop();
            self.out.push_str(" />");
        } else {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self.after_text = false;
        // The parent's content now holds this element.
        self.content_at = usize::MAX;
    }

    fn text(&mut self, text: &str) -> Result<(), String> {
        if text.is_empty() {
            return Ok(());
        }
        self.close_tag();
        self.mixed = true;
        escape_text(text, self.nl, &mut self.out)
            .map_err(|c| format!("the result's text holds {}", describe_non_xml_char(c)))?;
        self.after_text = true;
        Ok(())
    }

    /// A comment, processing instruction or document type: indented like an element.
    fn markup(&mut self, open: &str, body: &str, close: &str) {
        self.close_tag();
        if !self.mixed && !self.after_text {
            self.indent();
        }
        self.out.push_str(open);
        let mut lines = body.split('\n').peekable();
        while let Some(line) = lines.next() {
            self.out.push_str(line.strip_suffix('\r').unwrap_or(line));
            if lines.peek().is_some() {
                self.out.push_str(self.nl.as_str());
            }
        }
        self.out.push_str(close);
        self.after_text = false;
    }

    fn cdata(&mut self, body: &str) {
        self.close_tag();
        self.mixed = true;
        self.out.push_str("<![CDATA[");
        self.out.push_str(body);
        self.out.push_str("]]>");
        self.after_text = true;
    }
}

fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = a.key.as_ref().to_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(attrs)
}

/// Re-writes the XML document `xml` as heat's `XmlWriter` writes a transform's result (see
/// the module's documentation), with `format`'s indentation and line ends. Fails on XML that
/// is not well-formed, and on a result that is not a document (no root element, or text
/// outside it), which heat's writer refuses too.
pub(crate) fn reserialize(xml: &str, format: Format) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut w = Writer {
        out: String::with_capacity(xml.len() + xml.len() / 8),
        nl: format.line_ending,
        indent: " ".repeat(format.indent),
        level: 0,
        mixed: false,
        mixed_stack: Vec::new(),
        after_text: true,
        open_tag: false,
        content_at: usize::MAX,
    };
    let mut text = String::new();
    let mut roots = 0;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "the result is not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        if !matches!(event, Event::Text(_) | Event::GeneralRef(_)) && !text.is_empty() {
            if w.level == 0 {
                if !text.trim().is_empty() {
                    return Err(format!(
                        "the result has text outside its root element ('{}'), so it is not an \
                         XML document (xsl:output method=\"text\"?)",
                        text.trim()
                    ));
                }
            } else {
                w.text(&text)?;
            }
            text.clear();
        }
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                if w.level == 0 {
                    roots += 1;
                    if roots > 1 {
                        return Err("the result has more than one root element".to_owned());
                    }
                }
                let name = s.name().as_ref().to_owned();
                w.start(&name, &attributes(s)?)?;
                if matches!(event, Event::Empty(_)) {
                    w.end(&name);
                }
            }
            Event::End(ref e) => w.end(e.name().as_ref()),
            Event::Text(ref t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(ref r) => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    text.push(c);
                } else {
                    let name = r.as_ref().to_owned();
                    match resolve_predefined_entity(&name) {
                        Some(v) => text.push_str(v),
                        None => return Err(format!("the result uses the unknown entity &{name};")),
                    }
                }
            }
            Event::CData(ref c) => w.cdata(c.as_ref()),
            Event::Comment(ref c) => w.markup("<!--", c.as_ref(), "-->"),
            Event::PI(ref p) => w.markup("<?", p.as_ref(), "?>"),
            Event::DocType(ref d) => w.markup("<!DOCTYPE ", d.as_ref(), ">"),
            Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    if roots == 0 {
        return Err("the result has no root element".to_owned());
    }
    Ok(w.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LF: Format = Format {
        indent: 4,
        line_ending: LineEnding::Lf,
    };

    fn crlf(xml: &str) -> String {
        reserialize(xml, Format::default()).unwrap()
    }

    #[test]
    fn indents_what_holds_no_text() {
        assert_eq!(
            crlf("<Wix xmlns=\"urn:x\"><Fragment><A Id=\"1\"/><B><C/></B></Fragment></Wix>"),
            "<Wix xmlns=\"urn:x\">\r\n    <Fragment>\r\n        <A Id=\"1\" />\r\n        <B>\r\n            <C />\r\n        </B>\r\n    </Fragment>\r\n</Wix>"
        );
    }

    #[test]
    fn keeps_copied_white_space_as_it_is() {
        // What an identity transform gives back, with one element removed: its line's white
        // space stays, as in heat's output.
        let xml = "<Wix>\n    <Fragment>\n        \n        <B />\n    </Fragment>\n</Wix>";
        assert_eq!(
            crlf(xml),
            "<Wix>\r\n    <Fragment>\r\n        \r\n        <B />\r\n    </Fragment>\r\n</Wix>"
        );
    }

    #[test]
    fn text_stops_indentation_down_to_the_end_of_its_element() {
        assert_eq!(
            reserialize("<a><b>t<c><d/></c></b><e/></a>", LF).unwrap(),
            "<a>\n    <b>t<c><d /></c></b>\n    <e />\n</a>"
        );
    }

    #[test]
    fn escapes_as_heat_writes() {
        assert_eq!(
            reserialize(
                "<a v=\"&lt;&amp;&quot;&#10;&#9;\">x &gt; y &amp; &#233;<!-- c --><?pi d?></a>",
                LF
            )
            .unwrap(),
            "<a v=\"&lt;&amp;&quot;&#xA;&#x9;\">x &gt; y &amp; é<!-- c --><?pi d?></a>"
        );
    }

    #[test]
    fn comments_outside_and_inside() {
        assert_eq!(
            reserialize("<!--top--><a><!--in--><b/></a>\n", LF).unwrap(),
            "<!--top-->\n<a>\n    <!--in-->\n    <b />\n</a>"
        );
    }

    #[test]
    fn refuses_what_is_not_a_document() {
        assert!(reserialize("just text\n", LF)
            .unwrap_err()
            .contains("text outside"));
        assert!(reserialize("", LF).unwrap_err().contains("no root"));
        assert!(reserialize("<a/><b/>", LF)
            .unwrap_err()
            .contains("more than one"));
        assert!(reserialize("<a b=\"&#1;\"/>", LF)
            .unwrap_err()
            .contains("U+0001"));
        assert!(reserialize("<a>&#x1F;</a>", LF)
            .unwrap_err()
            .contains("U+001F"));
    }
}
