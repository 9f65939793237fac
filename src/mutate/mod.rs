//! heat's standard mutators, which run through the same [`Mutator`](crate::Mutator) trait as
//! any extension's.

mod finalize;
mod main;

pub use finalize::FinalizeMutator;
pub(crate) use finalize::{rewrite_source, variable_reference};
pub use main::{culture_cmp, install_location, GuidMode, MainMutator, Template};
