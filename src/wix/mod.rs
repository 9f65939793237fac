//! The WiX document and its vocabulary: the [`Document`] that harvesters build, mutators change
//! and the writer serializes; the [`Schema`]s it is written in and what heat's serializer takes
//! from them; heat's identifiers ([`ids`]) and GUIDs ([`guid`]); and the names of heat's
//! directory references. This is the bottom layer: it depends on nothing else of the crate but
//! its errors.

mod document;
pub mod guid;
pub mod ids;
#[cfg(test)]
mod model_ops;
mod schema;
mod vocabulary;

pub use document::{Descendants, Document, Name, NodeId, Value};
pub(crate) use document::{FastHash, IdBlock, TextRef};
pub use schema::Schema;
pub use vocabulary::{
    directory_reference, is_directory_reference, is_standard_directory, STANDARD_DIRECTORIES,
};
pub(crate) use vocabulary::{rewrite_source, variable_reference};
