//! emend: a static site generator for corrected, annotated editions of garbled
//! articles.
//!
//! Data flows one way: [`content`] loads and validates article folders →
//! [`engine`] resolves corrections and annotations against the texts →
//! [`render`] turns an edition into aligned rows, notes and a reading view →
//! [`theme`] renders pages with Tera templates → [`writer`] writes them safely.
//! [`site`] runs these phases for a whole site. [`serve`] keeps a site built in
//! memory and rebuilds what an edit touches; [`scaffold`] creates sites and articles.

pub mod anchors;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod engine;
pub mod files;
pub mod folder;
pub mod links;
pub mod outputs;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod source;
pub mod suggest;
pub mod text;
pub mod theme;
pub mod writer;
pub mod yaml;
