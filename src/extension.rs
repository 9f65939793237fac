//! The extension points: [`Extension`], [`Harvester`] and [`Mutator`], after heat's
//! `HeatExtension`, `HarvesterExtension` and `MutatorExtension`.
//!
//! A run goes: every extension is shown the harvest type and the parsed options
//! ([`Extension::configure`]); the one that knows the type sets the [`Harvester`], and any of
//! them add [`Mutator`]s. The harvester turns the source into a [`Document`]; the mutators then
//! change it in order of [`Mutator::sequence`] (ties broken by [`Mutator::name`]), first as a
//! document ([`Mutator::mutate`]) and then, once it is serialized, as text
//! ([`Mutator::mutate_text`]), which is where XSLT and external programs come in.
//!
//! heat's own sequence numbers are kept: harvester-side mutators run at
//! [`sequence::HARVESTER`] (100), the main mutator at [`sequence::MAIN`] (1000) and the
//! finalizing one at [`sequence::FINALIZE`] (2000). External programs given with `-ext` run
//! last, from [`sequence::EXTERNAL`] (4000) on.
//!
//! Every built-in part goes through these same traits: the `dir` and `file` harvest types and
//! heat's options are the [`StandardExtension`](crate::StandardExtension), `-ext` is the
//! [`ExternalExtension`](crate::external::ExternalExtension), and [`Heat::new`](crate::Heat::new)
//! is nothing more than the tool with those two added.
//!
//! # An extension in full
//!
//! A new harvest type with an option of its own, and a mutator that runs after heat's main
//! mutator, added to the standard tool and run on a command line:
//!
//! ```
//! use heat::extension::sequence;
//! use heat::{Context, Document, Extension, HarvestType, Harvester, Heat, Mutator, OptionSpec,
//!            Options, Setup};
//!
//! /// `heat greeting <name>`: one `Property` element named after the source.
//! struct Greeting;
//!
//! impl Harvester for Greeting {
//!     fn name(&self) -> &str { "greeting" }
//!     fn harvest(&self, cx: &mut Context, source: &str) -> heat::Result<Document> {
//!         let mut doc = Document::new(cx.schema);
//!         let fragment = doc.create_child(doc.root(), "Fragment");
//!         let property = doc.create_child(fragment, "Property");
//!         doc.set_attr(property, "Id", "GREETING");
//!         doc.set_attr(property, "Value", format!("Hello, {source}"));
//!         Ok(doc)
//!     }
//! }
//!
//! /// `-shout`: upper-cases every `Value`.
//! struct Shout;
//!
//! impl Mutator for Shout {
//!     fn name(&self) -> &str { "shout" }
//!     fn sequence(&self) -> i32 { sequence::MAIN + 1 }
//!     fn mutate(&self, _: &mut Context, doc: &mut Document) -> heat::Result<()> {
//!         for node in doc.descendants(doc.root()).collect::<Vec<_>>() {
//!             if let Some(v) = doc.attr(node, "Value").map(str::to_uppercase) {
//!                 doc.set_attr(node, "Value", v);
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! struct GreetingExtension;
//!
//! impl Extension for GreetingExtension {
//!     fn name(&self) -> &str { "greeting" }
//!     fn harvest_types(&self) -> Vec<HarvestType> {
//!         vec![HarvestType::new("greeting", "greet someone")]
//!     }
//!     fn options(&self) -> Vec<OptionSpec> {
//!         vec![OptionSpec::flag("shout", "greet loudly")]
//!     }
//!     fn configure(&self, _: &mut Context, harvest_type: &str, options: &Options,
//!                  setup: &mut Setup) -> heat::Result<()> {
//!         if harvest_type == "greeting" {
//!             setup.set_harvester(Box::new(Greeting));
//!         }
//!         if options.flag("shout") {
//!             setup.add_mutator(Box::new(Shout));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # let tmp = tempfile::tempdir().unwrap();
//! # let out = tmp.path().join("greeting.wxs");
//! # let out = out.to_str().unwrap();
//! let args = ["greeting", "World", "-shout", "-lf", "-o", out].map(String::from);
//! Heat::new().with_extension(GreetingExtension).run(&args).unwrap();
//! let written = std::fs::read_to_string(out).unwrap();
//! assert!(written.ends_with(
//!     "<Fragment>\n        <Property Id=\"GREETING\" Value=\"HELLO, WORLD\" />\n    </Fragment>\n</Wix>"
//! ));
//! ```

use std::fmt;

use crate::error::{Messages, Result};
use crate::ids::IdScheme;
use crate::model::{Document, Schema};
use crate::write::Format;

/// heat's mutator sequence numbers.
pub mod sequence {
    /// Mutators that complete what a harvester found (heat's `UtilHarvesterMutator`).
    pub const HARVESTER: i32 = 100;
    /// The main mutator: ids, GUIDs, fragments, groups, templates (heat's `UtilMutator`).
    pub const MAIN: i32 = 1000;
    /// The finalizing mutator: `Source` paths and variables (heat's
    /// `UtilFinalizeHarvesterMutator`).
    pub const FINALIZE: i32 = 2000;
    /// XSLT transforms (`-t`): the n-th (from 0) runs at `TRANSFORM + n` (heat's
    /// `UtilTransformMutator`).
    pub const TRANSFORM: i32 = 3000;
    /// The first `-ext` program; the n-th (from 0) runs at `EXTERNAL + n`. heat's own XSLT
    /// transforms (`-t`) run at 3000 + n (heat's `UtilTransformMutator`), so external programs
    /// see the transformed document.
    pub const EXTERNAL: i32 = 4000;
}

/// What every harvester and mutator of a run can see and report to.
#[derive(Debug)]
#[non_exhaustive]
pub struct Context {
    /// The output schema.
    pub schema: Schema,
    /// The identifier algorithm, chosen by schema and `-fips`.
    pub ids: IdScheme,
    /// Warnings of the run.
    pub messages: Messages,
    /// `-v`: say more about what is done.
    pub verbose: bool,
    /// The version of this tool.
    pub tool_version: &'static str,
    /// How the output is laid out (`-indent`, `-lf`); text mutators see the document in this
    /// format and should keep it.
    pub format: Format,
    /// The exit code of the run when it succeeds: 0 unless a mutator asks for another (`-update`
    /// asks for [`EXIT_FILES_REMOVED`](crate::tool::EXIT_FILES_REMOVED) when files were removed).
    pub exit_code: u8,
}

impl Context {
    /// A context for `schema`, with heat's id scheme for it (`fips` picks SHA1 in v3).
    pub fn new(schema: Schema, fips: bool, messages: Messages) -> Context {
        let ids = match (schema, fips) {
            (Schema::V3, false) => IdScheme::V3,
            (Schema::V3, true) => IdScheme::V3Fips,
            (Schema::V4, _) => IdScheme::V4,
        };
        Context {
            schema,
            ids,
            messages,
            verbose: false,
            tool_version: env!("CARGO_PKG_VERSION"),
            format: Format::default(),
            exit_code: 0,
        }
    }
}

/// Turns a source (a folder, a file, …) into a WiX document (heat's `HarvesterExtension`).
///
/// heat's standard mutators then work on what the harvester wrote, whatever its type: a
/// `Fragment` under the `Wix` root with a `DirectoryRef` (see
/// [`harvest::directory_reference`](crate::harvest::directory_reference)) holding `Directory`
/// elements (with `FileSource` on those the harvest found, as heat's harvesters write), and
/// `Component` elements each holding a `File` with `KeyPath="yes"` and
/// `Source="SourceDir\…"`. Ids come from [`Context::ids`], as heat's harvesters make them.
pub trait Harvester {
    /// A short name for messages.
    fn name(&self) -> &str;

    /// Harvests `source` into a new document in `cx.schema`. An error names the source.
    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document>;
}

impl<H: Harvester + ?Sized> Harvester for Box<H> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn harvest(&self, cx: &mut Context, source: &str) -> Result<Document> {
        (**self).harvest(cx, source)
    }
}

/// Changes a harvested document (heat's `MutatorExtension`). Mutators run in order of
/// [`sequence`](Self::sequence), ties broken by [`name`](Self::name).
///
/// An error a mutator returns stops the run; the tool puts the mutator's name in front of its
/// message unless the message already holds it.
pub trait Mutator {
    /// A name, unique in a run, for ordering and messages.
    fn name(&self) -> &str;

    /// When this mutator runs; see [`sequence`](mod@sequence).
    fn sequence(&self) -> i32;

    /// Changes the document. The default does nothing.
    fn mutate(&self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        let _ = (cx, doc);
        Ok(())
    }

    /// Changes the serialized document, after every mutator's [`mutate`](Self::mutate) has
    /// run (heat's `Mutate(string)`). The text is the document as [`crate::write::to_text`]
    /// writes it in [`Context::format`]: no byte-order mark, no XML declaration (the writer
    /// adds both afterwards), no line end after the root. It is called only when
    /// [`edits_text`](Self::edits_text) returns `true`, so a mutator that overrides this
    /// overrides that too. The default returns the text unchanged.
    fn mutate_text(&self, cx: &mut Context, wxs: String) -> Result<String> {
        let _ = cx;
        Ok(wxs)
    }

    /// Whether this mutator changes the serialized text ([`mutate_text`](Self::mutate_text)).
    /// When no mutator does, the document is streamed to the output without ever being held
    /// as one string. The default is `false`.
    fn edits_text(&self) -> bool {
        false
    }
}

impl<M: Mutator + ?Sized> Mutator for Box<M> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn sequence(&self) -> i32 {
        (**self).sequence()
    }
    fn mutate(&self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        (**self).mutate(cx, doc)
    }
    fn mutate_text(&self, cx: &mut Context, wxs: String) -> Result<String> {
        (**self).mutate_text(cx, wxs)
    }
    fn edits_text(&self) -> bool {
        (**self).edits_text()
    }
}

/// A harvest type an extension offers (`dir`, `file`, …), for the command line and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarvestType {
    /// The type as typed: `heat <name> <source>`.
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
}

impl HarvestType {
    /// A harvest type and its line of help.
    pub const fn new(name: &'static str, help: &'static str) -> HarvestType {
        HarvestType { name, help }
    }
}

/// An option an extension understands, for parsing and help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSpec {
    /// The option without its dash: `cg` for `-cg`.
    pub name: &'static str,
    /// The placeholder of its value (`<name>`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// One line of help.
    pub help: &'static str,
    /// What the value is, for the command line to read it as such.
    pub kind: ValueKind,
}

/// What an option's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueKind {
    /// Text (or no value, for a switch).
    #[default]
    Text,
    /// The path of something the run reads. On a system other than Windows, a path written
    /// for Windows (`build\app.xsl`) that does not exist as written is read with `\` as the
    /// folder separator, with a notice.
    Input,
    /// The path of something the run writes: on a system other than Windows, `\` in it is
    /// always a folder separator, so that no file is made with `\` in its name.
    Output,
}

impl OptionSpec {
    /// A switch without a value.
    pub const fn flag(name: &'static str, help: &'static str) -> OptionSpec {
        OptionSpec {
            name,
            value: None,
            help,
            kind: ValueKind::Text,
        }
    }

    /// An option that takes a value.
    pub const fn value(name: &'static str, value: &'static str, help: &'static str) -> OptionSpec {
        OptionSpec {
            name,
            value: Some(value),
            help,
            kind: ValueKind::Text,
        }
    }

    /// An option whose value is the path of a file the run reads (see [`ValueKind::Input`]).
    pub const fn input(name: &'static str, value: &'static str, help: &'static str) -> OptionSpec {
        OptionSpec {
            name,
            value: Some(value),
            help,
            kind: ValueKind::Input,
        }
    }

    /// An option whose value is the path of a file the run writes (see
    /// [`ValueKind::Output`]).
    pub const fn output(name: &'static str, value: &'static str, help: &'static str) -> OptionSpec {
        OptionSpec {
            name,
            value: Some(value),
            help,
            kind: ValueKind::Output,
        }
    }
}

/// The options of a command line, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    items: Vec<(String, Option<String>)>,
}

impl Options {
    /// Adds an option (name without its dash) and its value, if any.
    pub fn push(&mut self, name: impl Into<String>, value: Option<String>) {
        self.items.push((name.into(), value));
    }

    /// Whether switch `name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.items.iter().any(|(n, _)| n == name)
    }

    /// The value of the last `name` option given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.items
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The values of every `name` option given, in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.items
            .iter()
            .filter(move |(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
    }

    /// Every option given, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.items.iter().map(|(n, v)| (n.as_str(), v.as_deref()))
    }
}

/// What the extensions set up for a run: the harvester and the mutators.
#[derive(Default)]
pub struct Setup {
    harvester: Option<Box<dyn Harvester>>,
    mutators: Vec<Box<dyn Mutator>>,
}

impl fmt::Debug for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_parts(f, "Setup", self.harvester.as_deref(), &self.mutators)
    }
}

impl Setup {
    /// Sets the harvester of the run (the last one set wins).
    pub fn set_harvester(&mut self, harvester: Box<dyn Harvester>) {
        self.harvester = Some(harvester);
    }

    /// Whether a harvester has been set.
    pub fn has_harvester(&self) -> bool {
        self.harvester.is_some()
    }

    /// Adds a mutator.
    pub fn add_mutator(&mut self, mutator: Box<dyn Mutator>) {
        self.mutators.push(mutator);
    }

    /// Takes the harvester and the mutators, sorted by sequence and then name.
    pub fn into_parts(self) -> Pipeline {
        let mut mutators = self.mutators;
        mutators.sort_by(|a, b| {
            a.sequence()
                .cmp(&b.sequence())
                .then_with(|| a.name().cmp(b.name()))
        });
        Pipeline {
            harvester: self.harvester,
            mutators,
        }
    }
}

/// The harvester and the ordered mutators of a run, from [`Setup::into_parts`].
pub struct Pipeline {
    /// The harvester, if an extension set one.
    pub harvester: Option<Box<dyn Harvester>>,
    /// The mutators, sorted by sequence and then name.
    pub mutators: Vec<Box<dyn Mutator>>,
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_parts(f, "Pipeline", self.harvester.as_deref(), &self.mutators)
    }
}

/// Shows a harvester and mutators by name.
fn debug_parts(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    harvester: Option<&dyn Harvester>,
    mutators: &[Box<dyn Mutator>],
) -> fmt::Result {
    f.debug_struct(what)
        .field("harvester", &harvester.map(|h| h.name()))
        .field(
            "mutators",
            &mutators.iter().map(|m| m.name()).collect::<Vec<_>>(),
        )
        .finish()
}

/// A set of harvest types and options, like heat's `HeatExtension`: it declares what it
/// understands and, for a run, sets up a harvester and mutators.
///
/// The tool parses the command line with the options every extension declares (an option
/// unknown to all of them is an error), then calls [`configure`](Self::configure) on each
/// extension in the order they were added, the standard one first. The extension offering the
/// harvest type sets the [`Harvester`]; if two offer it, the one added last wins, so an
/// extension can replace `dir` itself. Any extension may add [`Mutator`]s, whatever the type.
pub trait Extension {
    /// A short name for messages.
    fn name(&self) -> &str;

    /// The harvest types this extension offers (heat's `CommandLineTypes`). The default offers
    /// none (a mutator-only extension).
    fn harvest_types(&self) -> Vec<HarvestType> {
        Vec::new()
    }

    /// The options this extension understands, for parsing and help. Choose names no other
    /// extension uses: heat's own are listed by `heat -?`.
    fn options(&self) -> Vec<OptionSpec>;

    /// Sets up the run for `harvest_type` with the parsed `options` (heat's `ParseOptions`).
    /// Every extension is called, whether or not it offers the type; options belonging to
    /// other extensions are present too and must be ignored. A bad value is an [`Error`]
    /// (`codes::COMMAND_LINE` makes the tool exit with 2) that names the option.
    ///
    /// [`Error`]: crate::Error
    fn configure(
        &self,
        cx: &mut Context,
        harvest_type: &str,
        options: &Options,
        setup: &mut Setup,
    ) -> Result<()>;
}

impl<E: Extension + ?Sized> Extension for Box<E> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn harvest_types(&self) -> Vec<HarvestType> {
        (**self).harvest_types()
    }
    fn options(&self) -> Vec<OptionSpec> {
        (**self).options()
    }
    fn configure(
        &self,
        cx: &mut Context,
        harvest_type: &str,
        options: &Options,
        setup: &mut Setup,
    ) -> Result<()> {
        (**self).configure(cx, harvest_type, options, setup)
    }
}
