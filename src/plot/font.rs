//! The font of the plots: the embedded DejaVu Sans, or the file `SMMD_FONT`
//! names.

use std::path::PathBuf;
use std::sync::OnceLock;

use plotters::style::FontStyle;

use super::PlotError;

/// DejaVu Sans, used when `SMMD_FONT` is not set.
static EMBEDDED_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Family name under which the font is registered.
pub(super) const FAMILY: &str = "sans-serif";

/// Register the plot font once per process.
///
/// Without `SMMD_FONT` (or with it empty) this is the embedded DejaVu Sans
/// and cannot fail. With `SMMD_FONT` set, that file is used and nothing
/// else: a file that cannot be read or parsed is an error rather than a
/// silent fallback, so the output never changes font unnoticed. The
/// variable is read once, by the first plot of the process; the outcome,
/// error included, holds for the rest of the process.
///
/// # Errors
/// [`PlotError::BadFont`] if `SMMD_FONT` names a file that cannot be read or
/// is not a TrueType/OpenType font.
pub(crate) fn ensure_font() -> Result<(), PlotError> {
    static FONT: OnceLock<Result<(), PlotError>> = OnceLock::new();
    FONT.get_or_init(|| {
        let chosen = std::env::var_os("SMMD_FONT").filter(|p| !p.is_empty());
        let Some(path) = chosen.map(PathBuf::from) else {
            return plotters::style::register_font(FAMILY, FontStyle::Normal, EMBEDDED_FONT)
                .map_err(|_| PlotError::BadFont {
                    path: PathBuf::from("(embedded DejaVu Sans)"),
                    message: "not a usable font".into(),
                });
        };
        let bad = |message: String| PlotError::BadFont {
            path: path.clone(),
            message,
        };
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        // the registry keeps the font for the life of the process
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font(FAMILY, FontStyle::Normal, bytes)
            .map_err(|_| bad("not a TrueType/OpenType font".into()))
    })
    .clone()
}
