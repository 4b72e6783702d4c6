//! Arguments from Python, converted with ctxbridge's own `TypeError` naming the function
//! and the parameter (`ctxbridge.parse_traceparent: value must be a str, got int`)
//! instead of PyO3's extraction text. Public functions take `&Bound<PyAny>` and convert
//! here.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

/// `ctxbridge.<function>: <param> must be <wanted>, got <type of value>`.
pub(crate) fn type_error(
    value: &Bound<'_, PyAny>,
    function: &str,
    param: &str,
    wanted: &str,
) -> PyErr {
    let got = value
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "an object".to_owned());
    PyTypeError::new_err(format!(
        "ctxbridge.{function}: {param} must be {wanted}, got {got}"
    ))
}

/// A `str`.
pub(crate) fn text(value: &Bound<'_, PyAny>, function: &str, param: &str) -> PyResult<String> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| type_error(value, function, param, "a str"))?;
    text.to_str().map(str::to_owned).map_err(|_| {
        PyValueError::new_err(format!("ctxbridge.{function}: {param} is not valid UTF-8"))
    })
}

/// An `int` that fits `T` (an id or flags): `TypeError` for another type, `ValueError`
/// for one out of range.
pub(crate) fn int<T: TryFrom<u128>>(
    value: &Bound<'_, PyAny>,
    function: &str,
    param: &str,
    range: &str,
) -> PyResult<T> {
    if !value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(type_error(value, function, param, "an int"));
    }
    value
        .extract::<u128>()
        .ok()
        .and_then(|wide| T::try_from(wide).ok())
        .ok_or_else(|| {
            PyValueError::new_err(format!("ctxbridge.{function}: {param} must be in {range}"))
        })
}

/// The items of a list or tuple (a `str` is refused: it is a sequence of characters,
/// and a common mistake for a list of one).
pub(crate) fn items<'py>(
    value: &Bound<'py, PyAny>,
    function: &str,
    param: &str,
    wanted: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Ok(list) = value.cast::<PyList>() {
        return Ok(list.iter().collect());
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return Ok(tuple.iter().collect());
    }
    Err(type_error(value, function, param, wanted))
}

/// A list or tuple whose every item `convert` accepts; the error names the list, or the
/// first item refused and what each item must be.
fn list_of<'py, T>(
    value: &Bound<'py, PyAny>,
    function: &str,
    param: &str,
    (wanted, item_wanted): (&str, &str),
    convert: impl Fn(&Bound<'py, PyAny>) -> Option<T>,
) -> PyResult<Vec<T>> {
    items(value, function, param, wanted)?
        .iter()
        .map(|item| {
            convert(item).ok_or_else(|| {
                type_error(
                    item,
                    function,
                    &format!("every item of {param}"),
                    item_wanted,
                )
            })
        })
        .collect()
}

/// A list of `str`.
pub(crate) fn texts(
    value: &Bound<'_, PyAny>,
    function: &str,
    param: &str,
) -> PyResult<Vec<String>> {
    let wanted = ("a list of str", "a str");
    list_of(value, function, param, wanted, |item| {
        text(item, "", "").ok()
    })
}

/// A list of `(key, value)` pairs of `str`.
pub(crate) fn pairs(
    value: &Bound<'_, PyAny>,
    function: &str,
    param: &str,
) -> PyResult<Vec<(String, String)>> {
    let wanted = ("a list of (key, value) pairs of str", "a (str, str) pair");
    list_of(value, function, param, wanted, pair)
}

fn pair(item: &Bound<'_, PyAny>) -> Option<(String, String)> {
    let parts = items(item, "", "", "").ok()?;
    match parts.as_slice() {
        [key, value] => Some((text(key, "", "").ok()?, text(value, "", "").ok()?)),
        _ => None,
    }
}

/// A baggage member as Python writes it: `(key, value, [(property key, value or None)])`.
pub(crate) type PyMember = (String, String, Vec<(String, Option<String>)>);

/// A list of baggage members (see [`PyMember`]).
pub(crate) fn members(
    value: &Bound<'_, PyAny>,
    function: &str,
    param: &str,
) -> PyResult<Vec<PyMember>> {
    let wanted = (
        "a list of (key, value, properties) tuples",
        "a (str, str, [(str, str or None)]) tuple",
    );
    list_of(value, function, param, wanted, member)
}

fn member(item: &Bound<'_, PyAny>) -> Option<PyMember> {
    let parts = items(item, "", "", "").ok()?;
    let [key, value, properties] = parts.as_slice() else {
        return None;
    };
    let properties = items(properties, "", "", "")
        .ok()?
        .iter()
        .map(|property| {
            let parts = items(property, "", "", "").ok()?;
            let [key, value] = parts.as_slice() else {
                return None;
            };
            let value = if value.is_none() {
                None
            } else {
                Some(text(value, "", "").ok()?)
            };
            Some((text(key, "", "").ok()?, value))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((
        text(key, "", "").ok()?,
        text(value, "", "").ok()?,
        properties,
    ))
}
