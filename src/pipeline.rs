//! The stages of a run, after heat's: a [`Harvester`] turns the source into a [`Document`],
//! [`Mutator`]s change the document in order of their [`sequence`](mod@sequence) numbers, and
//! [`TextMutator`]s then change its text (XSLT, external programs), before the top layer writes
//! it. Every stage sees the run's [`Context`]; what a stage hands to a later one, and what the
//! run produced beside the output (a report, another file to write), travels in the context as
//! data, for the command line to act on once the run has succeeded.
//!
//! A mutator is a value with `&mut self`, so it may keep state between its steps; a closure
//! can be one too ([`mutator`], [`text_mutator`]):
//!
//! ```
//! use heat::extension::{mutator, sequence, Context, Mutator, Setup};
//! use heat::{Document, Schema};
//!
//! let mut count = 0;
//! let mut m = mutator("count-files", sequence::MAIN + 1, |_cx: &mut Context, doc: &mut Document| {
//!     count += doc.elements_named("File").count();
//!     Ok(())
//! });
//! let mut cx = Context::new(Schema::V4, false, Default::default());
//! let mut doc = Document::new(Schema::V4);
//! let c = doc.create_child(doc.root(), "Component");
//! doc.create_child(c, "File");
//! m.mutate(&mut cx, &mut doc).unwrap();
//! drop(m);
//! assert_eq!(count, 1);
//! ```

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{codes, Error, Messages, Result};
use crate::wix::ids::IdScheme;
use crate::wix::{Document, Schema};
use crate::xml::reader::check_wix;
use crate::xml::write::{try_to_text, Format};

/// heat's mutator sequence numbers.
pub mod sequence {
    /// Mutators that complete what a harvester found (heat's `UtilHarvesterMutator`).
    pub const HARVESTER: i32 = 100;
    /// The main mutator: ids, GUIDs, fragments, groups, templates (heat's `UtilMutator`).
    pub const MAIN: i32 = 1000;
    /// The finalizing mutator: `Source` paths and variables (heat's
    /// `UtilFinalizeHarvesterMutator`).
    pub const FINALIZE: i32 = 2000;
    /// XSLT transforms (`-t`), text mutators: the n-th (from 0) runs at `TRANSFORM + n` (heat's
    /// `UtilTransformMutator`).
    pub const TRANSFORM: i32 = 3000;
    /// The first `-ext` program, a text mutator; the n-th (from 0) runs at `EXTERNAL + n`,
    /// after the transforms, so that programs see the transformed document.
    pub const EXTERNAL: i32 = 4000;
}

/// Counts of what a run's walk has seen so far, for a progress display; shared between the
/// threads of the walk and whoever shows them.
#[derive(Debug, Default, Clone)]
pub struct Progress {
    counts: Arc<[AtomicU64; 2]>,
}

impl Progress {
    /// Counts `files` files and one folder more.
    pub fn add_folder(&self, files: u64) {
        self.counts[0].fetch_add(files, Ordering::Relaxed);
        self.counts[1].fetch_add(1, Ordering::Relaxed);
    }

    /// The files and folders seen so far.
    pub fn seen(&self) -> (u64, u64) {
        (
            self.counts[0].load(Ordering::Relaxed),
            self.counts[1].load(Ordering::Relaxed),
        )
    }
}

/// A file a run writes beside its output (an `-update` report, say), written by the top layer
/// once the output is written; `-` is standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtraOutput {
    /// Where to write it.
    pub path: PathBuf,
    /// What to write.
    pub bytes: Vec<u8>,
}

/// What every harvester and mutator of a run sees and reports to.
#[non_exhaustive]
pub struct Context {
    /// The output schema.
    pub schema: Schema,
    /// The identifier algorithm, chosen by schema and `-fips`.
    pub ids: IdScheme,
    /// Warnings and verbose messages of the run.
    pub messages: Messages,
    /// `-v`: say more about what is done (through [`Messages::verbose`]).
    pub verbose: bool,
    /// The version of this tool.
    pub tool_version: &'static str,
    /// How the output is laid out (`-indent`, `-lf`); text mutators see the document in this
    /// format and should keep it.
    pub format: Format,
    progress: Progress,
    handed: HashMap<TypeId, Box<dyn Any>>,
    outputs: Vec<ExtraOutput>,
    written: Vec<PathBuf>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("schema", &self.schema)
            .field("ids", &self.ids)
            .field("verbose", &self.verbose)
            .field("format", &self.format)
            .field("outputs", &self.outputs.len())
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context for `schema`, with heat's id scheme for it (`fips` picks SHA1 in v3).
    pub fn new(schema: Schema, fips: bool, messages: Messages) -> Context {
        Context {
            schema,
            ids: IdScheme::for_schema(schema, fips),
            messages,
            verbose: false,
            tool_version: env!("CARGO_PKG_VERSION"),
            format: Format::default(),
            progress: Progress::default(),
            handed: HashMap::new(),
            outputs: Vec::new(),
            written: Vec::new(),
        }
    }

    /// Tells the run which files it will write (each where it finally lands, links
    /// resolved), so that a harvester walking a tree that holds one of them leaves it out:
    /// the command line sets it before the harvest.
    pub fn set_written_files(&mut self, files: Vec<PathBuf>) {
        self.written = files;
    }

    /// The files the run will write (see [`set_written_files`](Self::set_written_files)).
    pub fn written_files(&self) -> &[PathBuf] {
        &self.written
    }

    /// The run's progress counters, which a walk counts into.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Hands `value` to a later stage of the run (or to the caller of the run), which takes it
    /// with [`take`](Self::take): one value of each type, a newer one replacing an older.
    pub fn hand_over<T: Any>(&mut self, value: T) {
        self.handed.insert(TypeId::of::<T>(), Box::new(value));
    }

    /// Takes the value of type `T` an earlier stage handed over, if any.
    pub fn take<T: Any>(&mut self) -> Option<T> {
        self.handed
            .remove(&TypeId::of::<T>())
            .and_then(|b| b.downcast::<T>().ok())
            .map(|b| *b)
    }

    /// The value of type `T` an earlier stage handed over, if any, left in place.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.handed
            .get(&TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
    }

    /// Asks for `bytes` to be written at `path` once the run has succeeded (and only then).
    pub fn add_output(&mut self, path: impl Into<PathBuf>, bytes: Vec<u8>) {
        self.outputs.push(ExtraOutput {
            path: path.into(),
            bytes,
        });
    }

    /// Takes the extra outputs asked for so far.
    pub fn take_outputs(&mut self) -> Vec<ExtraOutput> {
        std::mem::take(&mut self.outputs)
    }
}

/// Turns a source (a folder, a file, …) into a WiX document (heat's `HarvesterExtension`).
///
/// heat's standard mutators then work on what the harvester wrote, whatever its type: a
/// `Fragment` under the `Wix` root with a `DirectoryRef` holding `Directory` elements, and
/// `Component` elements each holding a `File` with `KeyPath="yes"` and `Source="SourceDir\…"`,
/// with heat's ids. [`harvest::HeatTree`](crate::harvest::HeatTree) builds exactly that.
pub trait Harvester {
    /// A short name for messages.
    fn name(&self) -> &str;

    /// Harvests `source` into a new document in `cx.schema`. An error names the source.
    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document>;
}

impl<H: Harvester + ?Sized> Harvester for Box<H> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn harvest(&mut self, cx: &mut Context, source: &str) -> Result<Document> {
        (**self).harvest(cx, source)
    }
}

/// Changes a harvested document (heat's `MutatorExtension`). Mutators run in order of
/// [`sequence`](Self::sequence), ties broken by [`name`](Self::name).
///
/// An error a mutator returns stops the run; the pipeline puts the mutator's name in front of
/// its message unless the message already holds it.
pub trait Mutator {
    /// A name, unique in a run, for ordering and messages.
    fn name(&self) -> &str;

    /// When this mutator runs; see [`sequence`](mod@sequence).
    fn sequence(&self) -> i32;

    /// Changes the document.
    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()>;
}

impl<M: Mutator + ?Sized> Mutator for Box<M> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn sequence(&self) -> i32 {
        (**self).sequence()
    }
    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        (**self).mutate(cx, doc)
    }
}

/// Changes the serialized document (heat's `Mutate(string)`), after every [`Mutator`] has run,
/// in order of [`sequence`](Self::sequence), ties broken by [`name`](Self::name).
///
/// The text is the document as [`xml::to_text`](crate::xml::to_text) writes it in
/// [`Context::format`]: no byte-order mark, no XML declaration (the writer adds both
/// afterwards), no line end after the root.
pub trait TextMutator {
    /// A name, unique in a run, for ordering and messages.
    fn name(&self) -> &str;

    /// When this mutator runs; see [`sequence`](mod@sequence).
    fn sequence(&self) -> i32;

    /// Changes the text.
    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String>;
}

impl<M: TextMutator + ?Sized> TextMutator for Box<M> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn sequence(&self) -> i32 {
        (**self).sequence()
    }
    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String> {
        (**self).mutate_text(cx, wxs)
    }
}

/// A [`Mutator`] made of a closure; see [`mutator`].
pub struct FnMutator<F> {
    name: String,
    sequence: i32,
    f: F,
}

/// A mutator named `name`, run at `sequence`, that calls `f`.
pub fn mutator<F>(name: impl Into<String>, sequence: i32, f: F) -> FnMutator<F>
where
    F: FnMut(&mut Context, &mut Document) -> Result<()>,
{
    FnMutator {
        name: name.into(),
        sequence,
        f,
    }
}

impl<F: FnMut(&mut Context, &mut Document) -> Result<()>> Mutator for FnMutator<F> {
    fn name(&self) -> &str {
        &self.name
    }
    fn sequence(&self) -> i32 {
        self.sequence
    }
    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        (self.f)(cx, doc)
    }
}

/// A [`TextMutator`] made of a closure; see [`text_mutator`].
pub struct FnTextMutator<F> {
    name: String,
    sequence: i32,
    f: F,
}

/// A text mutator named `name`, run at `sequence`, that calls `f`.
pub fn text_mutator<F>(name: impl Into<String>, sequence: i32, f: F) -> FnTextMutator<F>
where
    F: FnMut(&mut Context, String) -> Result<String>,
{
    FnTextMutator {
        name: name.into(),
        sequence,
        f,
    }
}

impl<F: FnMut(&mut Context, String) -> Result<String>> TextMutator for FnTextMutator<F> {
    fn name(&self) -> &str {
        &self.name
    }
    fn sequence(&self) -> i32 {
        self.sequence
    }
    fn mutate_text(&mut self, cx: &mut Context, wxs: String) -> Result<String> {
        (self.f)(cx, wxs)
    }
}

/// A run's harvester and mutators, as extensions set them up.
#[derive(Default)]
pub struct Setup {
    harvester: Option<Box<dyn Harvester>>,
    mutators: Vec<Box<dyn Mutator>>,
    text_mutators: Vec<Box<dyn TextMutator>>,
}

impl fmt::Debug for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Setup")
            .field("harvester", &self.harvester.as_ref().map(|h| h.name()))
            .field(
                "mutators",
                &self.mutators.iter().map(|m| m.name()).collect::<Vec<_>>(),
            )
            .field(
                "text_mutators",
                &self
                    .text_mutators
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Setup {
    /// Sets the harvester of the run (the last one set wins).
    pub fn set_harvester(&mut self, harvester: impl Harvester + 'static) {
        self.harvester = Some(Box::new(harvester));
    }

    /// Whether a harvester has been set.
    pub fn has_harvester(&self) -> bool {
        self.harvester.is_some()
    }

    /// Adds a document mutator.
    pub fn add_mutator(&mut self, mutator: impl Mutator + 'static) {
        self.mutators.push(Box::new(mutator));
    }

    /// Adds a text mutator.
    pub fn add_text_mutator(&mut self, mutator: impl TextMutator + 'static) {
        self.text_mutators.push(Box::new(mutator));
    }

    /// The names of the mutators added so far, document mutators first, in the order they
    /// will run.
    pub fn mutator_names(&self) -> Vec<String> {
        let mut m: Vec<(i32, &str)> = self
            .mutators
            .iter()
            .map(|m| (m.sequence(), m.name()))
            .collect();
        m.sort();
        let mut t: Vec<(i32, &str)> = self
            .text_mutators
            .iter()
            .map(|m| (m.sequence(), m.name()))
            .collect();
        t.sort();
        m.into_iter().chain(t).map(|(_, n)| n.to_owned()).collect()
    }

    /// Runs the stages on `source`: the harvest, then the mutators in order, then, if there
    /// are any, the text mutators on the serialized document. `None` when no harvester was
    /// set.
    pub fn run(self, cx: &mut Context, source: &str) -> Option<Result<Harvested>> {
        let Setup {
            harvester,
            mut mutators,
            mut text_mutators,
        } = self;
        let mut harvester = harvester?;
        mutators.sort_by(|a, b| (a.sequence(), a.name()).cmp(&(b.sequence(), b.name())));
        text_mutators.sort_by(|a, b| (a.sequence(), a.name()).cmp(&(b.sequence(), b.name())));
        Some(run_stages(
            cx,
            source,
            &mut *harvester,
            mutators,
            text_mutators,
        ))
    }
}

/// What the stages made: the document, or its text when text mutators changed it.
#[derive(Debug)]
pub enum Harvested {
    /// The document, for the writer to serialize.
    Document(Box<Document>),
    /// The text after the text mutators (no byte-order mark, no declaration).
    Text(String),
}

fn run_stages(
    cx: &mut Context,
    source: &str,
    harvester: &mut dyn Harvester,
    mutators: Vec<Box<dyn Mutator>>,
    text_mutators: Vec<Box<dyn TextMutator>>,
) -> Result<Harvested> {
    let started = Instant::now();
    let mut doc = harvester.harvest(cx, source)?;
    log_time(cx, "harvest", started);
    for mut m in mutators {
        let started = Instant::now();
        m.mutate(cx, &mut doc)
            .map_err(|e| named_error(m.name(), e))?;
        log_time(
            cx,
            &format!("mutator {} ({})", m.name(), m.sequence()),
            started,
        );
    }
    if text_mutators.is_empty() {
        return Ok(Harvested::Document(Box::new(doc)));
    }
    let mut text = try_to_text(&doc, cx.format)?;
    drop(doc);
    let mut last = String::new();
    for mut m in text_mutators {
        let started = Instant::now();
        text = m
            .mutate_text(cx, text)
            .map_err(|e| named_error(m.name(), e))?;
        log_time(
            cx,
            &format!("text mutator {} ({})", m.name(), m.sequence()),
            started,
        );
        last = m.name().to_owned();
    }
    // Text from outside (a stylesheet, a program, an extension's text mutator) is written
    // only if it is WiX source that any reader reads: checked as `.wxs` files are read.
    check_wix(&text).map_err(|e| {
        Error::new(
            codes::BAD_DOCUMENT,
            format!(
                "{last}: the text left to write is not WiX source, so nothing is written: {}",
                e.message()
            ),
        )
    })?;
    Ok(Harvested::Text(text))
}

fn log_time(cx: &mut Context, what: &str, started: Instant) {
    if cx.verbose {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        cx.messages.verbose(format!("{what} {ms:.1} ms"));
    }
}

/// An error of a stage, with the stage's name in front unless the message holds it already.
fn named_error(name: &str, e: Error) -> Error {
    if e.message().contains(name) {
        return e;
    }
    let message = format!("{name}: {}", e.message());
    e.with_message(message)
}
