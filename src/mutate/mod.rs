//! heat's standard mutators, which run through the same [`Mutator`](crate::extension::Mutator)
//! and [`TextMutator`](crate::extension::TextMutator) traits as any extension's: the main one
//! (ids, GUIDs, fragments, groups, templates), the finalizing one (`Source` paths, `-var`),
//! XSLT transforms (`-t`) and external programs (`-ext`).

pub(crate) mod external;
mod finalize;
mod main;
pub(crate) mod xslt;

pub use finalize::FinalizeMutator;
pub(crate) use main::LocationGuids;
pub use main::{GuidMode, MainMutator, Template};
