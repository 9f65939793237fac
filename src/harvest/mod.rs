//! Harvesting: the ordered walk of a folder ([`walk`]), the `-include`/`-exclude` globs
//! ([`filter`]), heat's tree of folders and files with heat's ids ([`HeatTree`]), and the
//! built-in harvesters: `dir` ([`DirHarvester`]), `file` ([`FileHarvester`]), `reg`
//! ([`RegHarvester`]) and `payload` ([`PayloadHarvester`]).

mod dir;
mod file;
pub mod filter;
mod payload;
mod reg;
mod tree;
pub mod walk;

pub use dir::DirHarvester;
pub use file::FileHarvester;
pub use payload::{PayloadFinalizeMutator, PayloadHarvester};
pub use reg::RegHarvester;
pub use tree::{FolderRef, HeatTree, TreeShape};
