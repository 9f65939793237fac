//! Reading and writing WiX source: [`parse`] and [`read_file`] read a `.wxs` back into a
//! [`Document`](crate::Document) through one namespace-aware streaming reader
//! ([`reader`]), which `-update`, `heat check` and `-ext` all read with; [`to_text`] and the
//! output writer serialize a document byte for byte as heat writes it.

pub(crate) mod read;
pub mod reader;
pub(crate) mod write;

pub use read::{parse, read_file, MAX_DOCUMENT_BYTES};
pub use write::{to_text, try_to_text, Format, LineEnding};
