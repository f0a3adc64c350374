//! Reading Python arguments: NumPy samples (borrowed when they are
//! C-contiguous, copied row by row otherwise), counts, seeds, names and the
//! thread pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyInt;
use sliced_mmd::{MmdError as CoreError, Points, Sample};

use crate::{error, to_py};

/// The values of a sample: the NumPy buffer itself when it is C-contiguous
/// and aligned, else a row-major copy.
enum Values<'py, F: Element> {
    Borrowed(PyReadonlyArrayDyn<'py, F>),
    Owned(Vec<F>),
}

/// A sample read from a 1-D (one column) or 2-D NumPy array.
pub struct Input<'py, F: Element> {
    values: Values<'py, F>,
    /// Number of points (rows).
    pub n: usize,
    /// Dimension (columns; 1 for a 1-D array).
    pub d: usize,
    /// Whether the array was 1-D.
    pub one_d: bool,
    /// Whether NumPy made an aligned copy first.
    copied: bool,
}

impl<'py, F: Element + sliced_mmd::Float> Input<'py, F> {
    /// Read `array` (of element type `F`) as sample `which`.
    pub fn read(array: &Bound<'py, PyArrayDyn<F>>, which: Sample) -> PyResult<Self> {
        let shape = array.shape().to_vec();
        let (n, d, one_d) = match shape.as_slice() {
            [n] => (*n, 1, true),
            [n, d] => (*n, *d, false),
            _ => {
                let dims: Vec<String> = shape.iter().map(|s| s.to_string()).collect();
                return Err(error(format!(
                    "sample {which} must be a 1-D or 2-D array (rows are points), but it has shape ({})",
                    dims.join(", ")
                )));
            }
        };
        let aligned: bool = array.getattr("flags")?.getattr("aligned")?.extract()?;
        if !aligned {
            // an unaligned buffer cannot be read as `&[F]` (nor through an
            // ndarray view): NumPy copies it into an aligned C-order array
            let copy = array
                .call_method1("copy", ("C",))?
                .cast_into::<PyArrayDyn<F>>()?;
            let mut input = Self::read(&copy, which)?;
            input.copied = true;
            return Ok(input);
        }
        let ro = array
            .try_readonly()
            .map_err(|e| error(format!("sample {which}: {e}")))?;
        let values = if ro.is_c_contiguous() && ro.as_slice().is_ok() {
            Values::Borrowed(ro)
        } else {
            // Fortran order or strided: one copy in row-major (logical) order
            Values::Owned(ro.as_array().iter().copied().collect())
        };
        Ok(Input {
            values,
            n,
            d,
            one_d,
            copied: false,
        })
    }

    /// The row-major values, `n * d` of them.
    pub fn slice(&self) -> &[F] {
        match &self.values {
            Values::Borrowed(ro) => ro.as_slice().expect("checked contiguous when read"),
            Values::Owned(v) => v,
        }
    }

    /// Whether the values are the caller's buffer (no copy was made).
    pub fn is_zero_copy(&self) -> bool {
        !self.copied && matches!(self.values, Values::Borrowed(_))
    }
}

/// A validated sample over `values` (`n x d`, row-major).
pub fn points<F: sliced_mmd::Float>(
    values: &[F],
    n: usize,
    d: usize,
    which: Sample,
) -> Result<Points<'_, F>, CoreError> {
    Points::new(values, n, d).map_err(|e| e.in_sample(which))
}

/// Two samples of the same floating-point type.
pub enum Pair<'py> {
    /// Both `float32`.
    F32(Input<'py, f32>, Input<'py, f32>),
    /// Both `float64`.
    F64(Input<'py, f64>, Input<'py, f64>),
}

/// Read `x` and `y`, NumPy arrays of the same dtype, `float32` or `float64`
/// (the Python layer converts other inputs before calling).
pub fn read_pair<'py>(x: &Bound<'py, PyAny>, y: &Bound<'py, PyAny>) -> PyResult<Pair<'py>> {
    if let (Ok(a), Ok(b)) = (x.cast::<PyArrayDyn<f64>>(), y.cast::<PyArrayDyn<f64>>()) {
        return Ok(Pair::F64(
            Input::read(a, Sample::X)?,
            Input::read(b, Sample::Y)?,
        ));
    }
    if let (Ok(a), Ok(b)) = (x.cast::<PyArrayDyn<f32>>(), y.cast::<PyArrayDyn<f32>>()) {
        return Ok(Pair::F32(
            Input::read(a, Sample::X)?,
            Input::read(b, Sample::Y)?,
        ));
    }
    Err(PyTypeError::new_err(format!(
        "x and y must be NumPy arrays of one dtype, float32 or float64, not {} and {}",
        describe(x),
        describe(y)
    )))
}

/// A short description of an argument's type (and dtype, for arrays).
fn describe(v: &Bound<'_, PyAny>) -> String {
    let ty = v
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    match v.getattr("dtype") {
        Ok(dt) => format!("{ty} of dtype {dt}"),
        Err(_) => ty,
    }
}

/// A non-negative integer argument (a Python `int` or anything with
/// `__index__`, such as NumPy integers) below `2^64`.
pub fn unsigned(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    match obj.extract::<u64>() {
        Ok(v) => Ok(v),
        Err(_) if obj.is_instance_of::<PyInt>() || obj.hasattr("__index__").unwrap_or(false) => {
            Err(error(format!(
                "invalid {what} = {obj}: it must be an integer in [0, 2^64)"
            )))
        }
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be an integer, not {}",
            describe(obj)
        ))),
    }
}

/// A count of at least `min`, with the crate's message when it is smaller.
pub fn count(obj: &Bound<'_, PyAny>, what: &'static str, min: usize) -> PyResult<usize> {
    if let Ok(v) = obj.extract::<i64>() {
        if v < 0 {
            // the crate's wording (its error holds only non-negative counts)
            return Err(error(format!(
                "invalid {what} = {v}: it must be at least {min}"
            )));
        }
    }
    let v = usize::try_from(unsigned(obj, what)?).unwrap_or(usize::MAX);
    if v < min {
        return Err(to_py(CoreError::InvalidCount {
            what,
            value: v,
            min,
        }));
    }
    Ok(v)
}

/// Run `f` on a pool of `threads` workers (cached per size), or on rayon's
/// global pool (all cores) for `None`.
pub fn in_pool<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, String> {
    let Some(t) = threads else {
        return Ok(f());
    };
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pool = {
        let mut pools = POOLS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match pools.get(&t) {
            Some(p) => Arc::clone(p),
            None => {
                let p = Arc::new(
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(t)
                        .build()
                        .map_err(|e| format!("cannot start {t} threads: {e}"))?,
                );
                pools.insert(t, Arc::clone(&p));
                p
            }
        }
    };
    Ok(pool.install(f))
}
