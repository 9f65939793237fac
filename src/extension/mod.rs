//! The extension points, after heat's `HeatExtension`, `HarvesterExtension` and
//! `MutatorExtension`: an [`Extension`] declares harvest types and options and, for a run, sets
//! up a [`Harvester`] and [`Mutator`]s (and [`TextMutator`]s) from what the command line said.
//!
//! A run goes: the command line is parsed with the options every extension declares; heat's
//! own options are read into one [`StandardOptions`]; then every extension is configured, in
//! the order added (the standard one first), through a [`Configure`]: the extension offering
//! the harvest type sets the harvester, and any of them add mutators. The harvester turns the
//! source into a [`Document`](crate::Document); the mutators change it in order of their sequence numbers
//! (heat's: [`sequence::HARVESTER`] 100, [`sequence::MAIN`] 1000, [`sequence::FINALIZE`] 2000),
//! then the text mutators change its text ([`sequence::TRANSFORM`] for `-t`,
//! [`sequence::EXTERNAL`] for `-ext`).
//!
//! Options are declared once, as constants, and read back through them, so a name cannot be
//! misspelt where it is read:
//!
//! ```
//! use heat::extension::{
//!     mutator, sequence, Configure, Context, Extension, Flag, HarvestType, Harvester, HeatTree,
//!     OptionSpec,
//! };
//! use heat::harvest::TreeShape;
//! use heat::{Document, Heat};
//!
//! /// `-readonly`: marks every file read-only.
//! const READ_ONLY: Flag = Flag::new("readonly", "mark every file read-only");
//!
//! /// `heat greeting <name>`: one folder with one file, named after the source, with the ids
//! /// `heat dir` would give them.
//! struct Greeting;
//!
//! impl Harvester for Greeting {
//!     fn name(&self) -> &str { "greeting" }
//!     fn harvest(&mut self, cx: &mut Context, source: &str) -> heat::Result<Document> {
//!         let mut tree = HeatTree::new(cx, &TreeShape::default());
//!         let root = tree.root(source, None);
//!         tree.file(root, &format!("hello-{source}.txt"));
//!         tree.finish_folder(root);
//!         Ok(tree.finish())
//!     }
//! }
//!
//! struct Mine;
//!
//! impl Extension for Mine {
//!     fn name(&self) -> &str { "mine" }
//!     fn harvest_types(&self) -> Vec<HarvestType> {
//!         vec![HarvestType::new("greeting", "greet someone")]
//!     }
//!     fn options(&self) -> Vec<OptionSpec> { vec![READ_ONLY.into()] }
//!     fn configure(&self, run: &mut Configure<'_>) -> heat::Result<()> {
//!         if run.harvest_type() == "greeting" {
//!             run.set_harvester(Greeting);
//!         }
//!         if run.options().flag(&READ_ONLY) {
//!             let mark = |_: &mut Context, doc: &mut Document| {
//!                 for file in doc.elements_named("File").collect::<Vec<_>>() {
//!                     doc.set_attr(file, "ReadOnly", "yes");
//!                 }
//!                 Ok(())
//!             };
//!             run.add_mutator(mutator("readonly", sequence::MAIN + 500, mark));
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # let tmp = tempfile::tempdir().unwrap();
//! # let out = tmp.path().join("greeting.wxs");
//! # let out = out.to_str().unwrap();
//! let args = ["greeting", "World", "-readonly", "-cg", "G", "-o", out].map(String::from);
//! Heat::new().with_extension(Mine).run(&args).unwrap();
//! let written = std::fs::read_to_string(out).unwrap();
//! assert!(written.contains("ReadOnly=\"yes\" Source=\"SourceDir\\hello-World.txt\""));
//! ```

pub(crate) mod standard;
pub(crate) mod win64;

use std::fmt;

use crate::error::Result;
pub use crate::harvest::HeatTree;
pub use crate::pipeline::{
    mutator, sequence, text_mutator, Context, ExtraOutput, FnMutator, FnTextMutator, Harvester,
    Mutator, Progress, Setup, TextMutator,
};
pub use standard::{StandardExtension, StandardOptions};
pub use win64::Win64Extension;

/// A harvest type an extension offers (`dir`, `file`, …), for the command line and help.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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

/// What an option's value is, for the command line to read it as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ValueKind {
    /// Text.
    #[default]
    Text,
    /// The path of something the run reads. On a system other than Windows, a path written
    /// for Windows (`build\app.xsl`) that does not exist as written is read with `\` as the
    /// folder separator, with a notice.
    Input,
    /// The path of something the run writes: on a system other than Windows, `\` in it is
    /// always a folder separator, so that no file is made with `\` in its name; `-` is
    /// standard output.
    Output,
}

/// A switch an extension declares: `-name`, without a value. Declare it once, as a constant,
/// and read it back with [`Options::flag`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    name: &'static str,
    help: &'static str,
}

impl Flag {
    /// The switch `-name`, with one line of help.
    pub const fn new(name: &'static str, help: &'static str) -> Flag {
        Flag { name, help }
    }

    /// The name, without its dash.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// An option an extension declares that takes a value: `-name <value>` (or `-name:value`).
/// Declare it once, as a constant, and read it back with [`Options::value`] or
/// [`Options::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter {
    name: &'static str,
    placeholder: &'static str,
    help: &'static str,
    kind: ValueKind,
    values: &'static [&'static str],
}

impl Parameter {
    /// An option whose value is text.
    pub const fn text(name: &'static str, placeholder: &'static str, help: &'static str) -> Self {
        Parameter {
            name,
            placeholder,
            help,
            kind: ValueKind::Text,
            values: &[],
        }
    }

    /// An option whose value is the path of a file the run reads ([`ValueKind::Input`]).
    pub const fn input(name: &'static str, placeholder: &'static str, help: &'static str) -> Self {
        Parameter {
            kind: ValueKind::Input,
            ..Parameter::text(name, placeholder, help)
        }
    }

    /// An option whose value is the path of a file the run writes ([`ValueKind::Output`]).
    pub const fn output(name: &'static str, placeholder: &'static str, help: &'static str) -> Self {
        Parameter {
            kind: ValueKind::Output,
            ..Parameter::text(name, placeholder, help)
        }
    }

    /// The same option, with the values it is known to take (`-template`: `fragment`, `module`,
    /// `product`), for shell completions to offer. The command line does not check them: that
    /// is the extension's part, when it reads the value.
    pub const fn with_values(self, values: &'static [&'static str]) -> Self {
        Parameter { values, ..self }
    }

    /// The name, without its dash.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// An option as declared, for parsing and help: a [`Flag`] or a [`Parameter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    name: &'static str,
    value: Option<(&'static str, ValueKind)>,
    help: &'static str,
    values: &'static [&'static str],
}

impl OptionSpec {
    /// The option without its dash: `cg` for `-cg`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The placeholder of its value (`<name>`), or `None` for a switch.
    pub fn placeholder(&self) -> Option<&'static str> {
        self.value.map(|(p, _)| p)
    }

    /// What its value is (text for a switch).
    pub fn kind(&self) -> ValueKind {
        self.value.map(|(_, k)| k).unwrap_or_default()
    }

    /// Whether it takes a value.
    pub fn takes_value(&self) -> bool {
        self.value.is_some()
    }

    /// Its line of help.
    pub fn help(&self) -> &'static str {
        self.help
    }

    /// The values it is known to take ([`Parameter::with_values`]); empty when any will do.
    pub fn values(&self) -> &'static [&'static str] {
        self.values
    }
}

impl From<Flag> for OptionSpec {
    fn from(f: Flag) -> OptionSpec {
        OptionSpec {
            name: f.name,
            value: None,
            help: f.help,
            values: &[],
        }
    }
}

impl From<Parameter> for OptionSpec {
    fn from(p: Parameter) -> OptionSpec {
        OptionSpec {
            name: p.name,
            value: Some((p.placeholder, p.kind)),
            help: p.help,
            values: p.values,
        }
    }
}

/// The options of a command line, in the order given, read back through the [`Flag`]s and
/// [`Parameter`]s that declared them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    items: Vec<(&'static str, Option<String>)>,
    /// The names declared, when known: reading an option nobody declared is a bug, caught in
    /// debug builds.
    declared: Option<Vec<&'static str>>,
}

impl Options {
    /// No options given, with `declared` the names of those that could have been.
    pub(crate) fn declared(declared: Vec<&'static str>) -> Options {
        Options {
            items: Vec::new(),
            declared: Some(declared),
        }
    }

    /// Adds an option given on the command line, and its value if it takes one.
    pub(crate) fn push(&mut self, name: &'static str, value: Option<String>) {
        self.items.push((name, value));
    }

    fn read(&self, name: &'static str) -> impl Iterator<Item = &(&'static str, Option<String>)> {
        debug_assert!(
            self.declared.as_ref().is_none_or(|d| d.contains(&name)),
            "the option -{name} is read but no extension declares it"
        );
        self.items.iter().filter(move |(n, _)| *n == name)
    }

    /// Whether switch `flag` was given.
    pub fn flag(&self, flag: &Flag) -> bool {
        self.read(flag.name).next().is_some()
    }

    /// The value of the last `parameter` given.
    pub fn value(&self, parameter: &Parameter) -> Option<&str> {
        self.read(parameter.name)
            .last()
            .and_then(|(_, v)| v.as_deref())
    }

    /// The values of every `parameter` given, in order.
    pub fn values<'a>(&'a self, parameter: &Parameter) -> impl Iterator<Item = &'a str> + 'a {
        self.read(parameter.name).filter_map(|(_, v)| v.as_deref())
    }

    /// Every option given, in order: its name (without the dash) and its value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.items.iter().map(|(n, v)| (*n, v.as_deref()))
    }
}

/// What an extension sees and sets up when a run is configured
/// ([`Extension::configure`]).
pub struct Configure<'a> {
    pub(crate) harvest_type: &'a str,
    pub(crate) options: &'a Options,
    pub(crate) standard: &'a StandardOptions,
    pub(crate) cx: &'a mut Context,
    pub(crate) setup: &'a mut Setup,
}

impl fmt::Debug for Configure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Configure")
            .field("harvest_type", &self.harvest_type)
            .field("setup", &self.setup)
            .finish_non_exhaustive()
    }
}

impl Configure<'_> {
    /// The harvest type of the run (`dir`, `file`, …).
    pub fn harvest_type(&self) -> &str {
        self.harvest_type
    }

    /// Every option of the command line, every extension's among them.
    pub fn options(&self) -> &Options {
        self.options
    }

    /// heat's own options, read once for every extension: what shapes a harvest (`-dr`,
    /// `-srd`, `-ke`, `-suid`, the walk's options) and what heat's mutators do with it.
    pub fn standard(&self) -> &StandardOptions {
        self.standard
    }

    /// The run's context (schema, id scheme, messages).
    pub fn context(&mut self) -> &mut Context {
        self.cx
    }

    /// Sets the harvester of the run (the last one set wins).
    pub fn set_harvester(&mut self, harvester: impl Harvester + 'static) {
        self.setup.set_harvester(harvester);
    }

    /// Whether a harvester has been set by an extension configured earlier.
    pub fn has_harvester(&self) -> bool {
        self.setup.has_harvester()
    }

    /// Adds a document mutator.
    pub fn add_mutator(&mut self, mutator: impl Mutator + 'static) {
        self.setup.add_mutator(mutator);
    }

    /// Adds a text mutator.
    pub fn add_text_mutator(&mut self, mutator: impl TextMutator + 'static) {
        self.setup.add_text_mutator(mutator);
    }
}

/// A set of harvest types and options, like heat's `HeatExtension`: it declares what it
/// understands and, for a run, sets up a harvester and mutators.
///
/// The tool parses the command line with the options every extension declares (a switch none
/// of them knows is a warning, and is ignored, as heat ignores it), then calls
/// [`configure`](Self::configure) on each extension in the order they were added, the standard
/// ones first. The extension offering the harvest type sets the [`Harvester`]; if two offer
/// it, the one added last wins, so an extension can replace `dir` itself. Any extension may add
/// [`Mutator`]s, whatever the type.
pub trait Extension {
    /// A short name for messages.
    fn name(&self) -> &str;

    /// The harvest types this extension offers (heat's `CommandLineTypes`). The default offers
    /// none (a mutator-only extension).
    fn harvest_types(&self) -> Vec<HarvestType> {
        Vec::new()
    }

    /// The options this extension understands, for parsing and help. Choose names no other
    /// extension uses: heat's own are listed by `heat -?`, and two extensions declaring one
    /// name is an error.
    fn options(&self) -> Vec<OptionSpec> {
        Vec::new()
    }

    /// Sets up the run (heat's `ParseOptions`). Every extension is called, whether or not it
    /// offers the run's harvest type. A bad value is an [`Error`](crate::Error) naming the
    /// option (`codes::COMMAND_LINE` makes the tool exit with 2).
    fn configure(&self, run: &mut Configure<'_>) -> Result<()>;
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
    fn configure(&self, run: &mut Configure<'_>) -> Result<()> {
        (**self).configure(run)
    }
}
