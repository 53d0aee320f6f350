//! The manifest: the JSON a library hands the host so it can refuse a mismatch before any call.
//!
//! Why by hand: std only, and the shape is small and fixed (docs/abi.md, "The manifest").
//! Problems the type system cannot catch (a component named twice in one query, two systems
//! with one name, ...) are reported in a top-level `"error"` string instead of panicking; the
//! host refuses a library whose manifest has one and shows the message.

use crate::component::{Component, Field};
use crate::system::System;
use crate::HOTLOOP_ABI_VERSION;
use std::borrow::Cow;
use std::fmt::Write as _;

/// A component, resource or event type as the manifest lists it: a name, a layout hash, fields.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComponentInfo {
    /// Its name.
    pub name: &'static str,
    /// Its layout hash.
    pub hash: u64,
    /// Its fields.
    pub fields: &'static [Field],
}

impl ComponentInfo {
    /// The manifest entry of `C`.
    pub fn of<C: Component>() -> ComponentInfo {
        ComponentInfo {
            name: C::NAME,
            hash: C::LAYOUT_HASH,
            fields: C::FIELDS,
        }
    }
}

/// How a query touches a component's columns.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `Read<C>`.
    Read,
    /// `Write<C>`.
    Write,
    /// `Option<Read<C>>`: entities without `C` match too.
    OptionalRead,
    /// `Option<Write<C>>`.
    OptionalWrite,
}

/// One system parameter as the manifest describes it.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamInfo {
    /// A `Query<D, F>`.
    Query {
        /// The accessed components, in query order (these take column slots).
        data: Vec<(ComponentInfo, Access)>,
        /// `With<T>` filters.
        with: Vec<ComponentInfo>,
        /// `Without<T>` filters.
        without: Vec<ComponentInfo>,
        /// Where `Entity` terms stand among the data terms (they take no slot): for messages.
        entity: Vec<usize>,
    },
    /// A `Res<T>` (`write: false`) or `ResMut<T>` (`write: true`).
    Res {
        /// The resource's layout.
        info: ComponentInfo,
        /// Whether the system writes it.
        write: bool,
    },
    /// `Commands`: the host's command queue, applied after the system returns.
    Commands,
    /// A `Local<T>`: per-system data the host keeps across reloads while `T`'s layout holds.
    Local {
        /// `T`'s layout text (`Name{field:type,...}`, or the type's name for a primitive): with
        /// the size and alignment, what decides whether a reload keeps the value.
        layout: &'static str,
        /// `size_of::<T>()`.
        size: usize,
        /// `align_of::<T>()`.
        align: usize,
    },
    /// An `EventWriter<E>`.
    EventWriter(ComponentInfo),
    /// An `EventReader<E>`.
    EventReader(ComponentInfo),
    /// A `DrawList`: the host's list of shapes drawn at the end of the frame.
    Draw,
    /// An `Audio`: the host's list of sounds and music to start and stop after the frame.
    Audio,
}

/// Where the library places a system: a schedule, and order constraints against named systems.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// The schedule's name (`FixedUpdate`, `Update`, ..., a game's own `Physics`, or a state's
    /// `OnEnter(GameState.Playing)`, made when the manifest is built).
    pub schedule: Cow<'static, str>,
    /// Systems (Rust or TypeScript, by name) this one runs after.
    pub after: Vec<&'static str>,
    /// Systems this one runs before.
    pub before: Vec<&'static str>,
}

/// One exported system as the manifest lists it.
#[derive(Clone, Debug)]
struct SystemInfo {
    name: &'static str,
    params: Vec<ParamInfo>,
    placement: Option<Placement>,
}

/// Collects the systems of one library and writes its manifest.
#[doc(hidden)]
pub struct ManifestBuilder {
    crate_name: &'static str,
    load: bool,
    unload: bool,
    systems: Vec<SystemInfo>,
}

impl ManifestBuilder {
    /// Starts a manifest for `crate_name`, saying whether the load/unload hooks were given.
    pub fn new(crate_name: &'static str, load: bool, unload: bool) -> ManifestBuilder {
        ManifestBuilder {
            crate_name,
            load,
            unload,
            systems: Vec::new(),
        }
    }

    /// Adds a system. `path` is how `export!` named it; the manifest uses its last segment.
    pub fn system<M, S: System<M>>(&mut self, path: &'static str, _system: &S) -> &mut Self {
        let name = path.rsplit("::").next().unwrap_or(path).trim();
        let mut params = Vec::new();
        S::describe(&mut params);
        self.systems.push(SystemInfo {
            name,
            params,
            placement: None,
        });
        self
    }

    /// Places the system added last in `schedule`, after the one placed before it there (a
    /// schedule's list runs in the order written).
    pub fn place(&mut self, schedule: impl Into<Cow<'static, str>>) -> &mut Self {
        let schedule = schedule.into();
        let previous = self
            .systems
            .iter()
            .rev()
            .skip(1)
            .find(|s| s.placement.as_ref().is_some_and(|p| p.schedule == schedule))
            .map(|s| s.name);
        if let Some(last) = self.systems.last_mut() {
            last.placement = Some(Placement {
                schedule,
                after: previous.into_iter().collect(),
                before: Vec::new(),
            });
        }
        self
    }

    /// The placed system added last also runs after these systems.
    pub fn after(&mut self, names: &[&'static str]) -> &mut Self {
        if let Some(p) = self.systems.last_mut().and_then(|s| s.placement.as_mut()) {
            p.after.extend_from_slice(names);
        }
        self
    }

    /// The placed system added last runs before these systems.
    pub fn before(&mut self, names: &[&'static str]) -> &mut Self {
        if let Some(p) = self.systems.last_mut().and_then(|s| s.placement.as_mut()) {
            p.before.extend_from_slice(names);
        }
        self
    }

    /// Checks what the types could not and writes the JSON.
    pub fn to_json(&self) -> String {
        let errors = self.errors();
        let components = self.components();
        let resources = self.named(|p| match p {
            ParamInfo::Res { info, .. } => Some(*info),
            _ => None,
        });
        let events = self.named(|p| match p {
            ParamInfo::EventWriter(info) | ParamInfo::EventReader(info) => Some(*info),
            _ => None,
        });
        let mut out = String::with_capacity(512);
        let _ = write!(
            out,
            "{{\"abi\":{HOTLOOP_ABI_VERSION},\"sdk\":{},\"crate\":{},",
            Json(env!("CARGO_PKG_VERSION")),
            Json(self.crate_name)
        );
        if !errors.is_empty() {
            let _ = write!(out, "\"error\":{},", Json(&errors.join("; ")));
        }
        let _ = write!(
            out,
            "\"hooks\":{{\"load\":{},\"unload\":{}}},",
            self.load, self.unload
        );
        out.push_str("\"components\":");
        write_layouts(&mut out, &components);
        out.push_str(",\"resources\":");
        write_layouts(&mut out, &resources);
        out.push_str(",\"events\":");
        write_layouts(&mut out, &events);
        out.push_str(",\"systems\":[");
        for (i, system) in self.systems.iter().enumerate() {
            comma(&mut out, i);
            let _ = write!(out, "{{\"name\":{},", Json(system.name));
            if let Some(p) = &system.placement {
                let _ = write!(out, "\"schedule\":{},\"after\":", Json(&p.schedule));
                write_strs(&mut out, &p.after);
                out.push_str(",\"before\":");
                write_strs(&mut out, &p.before);
                out.push(',');
            }
            out.push_str("\"params\":[");
            for (j, p) in system.params.iter().enumerate() {
                comma(&mut out, j);
                write_param(&mut out, p);
            }
            out.push_str("]}");
        }
        out.push_str("]}");
        out
    }

    /// Every layout `pick` finds in any system's parameters, once, in order of first appearance.
    fn named(&self, pick: impl Fn(&ParamInfo) -> Option<ComponentInfo>) -> Vec<ComponentInfo> {
        let mut all: Vec<ComponentInfo> = Vec::new();
        for p in self.systems.iter().flat_map(|s| &s.params) {
            if let Some(info) = pick(p) {
                if !all.contains(&info) {
                    all.push(info);
                }
            }
        }
        all
    }

    /// Every component any system names, once, in order of first appearance.
    fn components(&self) -> Vec<ComponentInfo> {
        let mut all: Vec<ComponentInfo> = Vec::new();
        for system in &self.systems {
            for p in &system.params {
                if let ParamInfo::Query {
                    data,
                    with,
                    without,
                    ..
                } = p
                {
                    let named = data.iter().map(|(c, _)| c).chain(with).chain(without);
                    for c in named {
                        if !all.iter().any(|seen| seen == c) {
                            all.push(*c);
                        }
                    }
                }
            }
        }
        all
    }

    fn errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        for (i, system) in self.systems.iter().enumerate() {
            let name = system.name;
            if self.systems[..i].iter().any(|other| other.name == name) {
                errors.push(format!("two systems are named `{name}`"));
            }
            if let Some(p) = &system.placement {
                if p.after.iter().chain(&p.before).any(|n| *n == name) {
                    errors.push(format!("system `{name}` is ordered after or before itself"));
                }
                if p.after.iter().any(|n| p.before.contains(n)) {
                    errors.push(format!(
                        "system `{name}` runs both after and before the same system"
                    ));
                }
            }
            for p in &system.params {
                if let ParamInfo::Query {
                    data,
                    with,
                    without,
                    ..
                } = p
                {
                    query_errors(name, data, with, without, &mut errors);
                }
            }
            resource_errors(name, &system.params, &mut errors);
        }
        let kinds = [
            ("component", self.components()),
            (
                "resource",
                self.named(|p| match p {
                    ParamInfo::Res { info, .. } => Some(*info),
                    _ => None,
                }),
            ),
            (
                "event",
                self.named(|p| match p {
                    ParamInfo::EventWriter(info) | ParamInfo::EventReader(info) => Some(*info),
                    _ => None,
                }),
            ),
        ];
        for (kind, all) in kinds {
            for (i, c) in all.iter().enumerate() {
                if all[..i].iter().any(|other| other.name == c.name) {
                    errors.push(format!(
                        "{kind} `{}` is declared with two different layouts",
                        c.name
                    ));
                }
            }
        }
        errors
    }
}

fn query_errors(
    system: &str,
    data: &[(ComponentInfo, Access)],
    with: &[ComponentInfo],
    without: &[ComponentInfo],
    errors: &mut Vec<String>,
) {
    for (i, (c, _)) in data.iter().enumerate() {
        if data[..i].iter().any(|(other, _)| other.name == c.name) {
            errors.push(format!(
                "system `{system}`: a query names component `{}` twice",
                c.name
            ));
        }
        if without.iter().any(|other| other.name == c.name) {
            errors.push(format!(
                "system `{system}`: a query accesses component `{}` and excludes it with Without",
                c.name
            ));
        }
    }
    for c in with {
        if without.iter().any(|other| other.name == c.name) {
            errors.push(format!(
                "system `{system}`: a query has both With<{0}> and Without<{0}>",
                c.name
            ));
        }
    }
}

/// A resource taken twice by one system, once mutably, would alias in Rust.
fn resource_errors(system: &str, params: &[ParamInfo], errors: &mut Vec<String>) {
    let resources: Vec<(&str, bool)> = params
        .iter()
        .filter_map(|p| match p {
            ParamInfo::Res { info, write } => Some((info.name, *write)),
            _ => None,
        })
        .collect();
    for (i, (name, write)) in resources.iter().enumerate() {
        if resources[..i]
            .iter()
            .any(|(other, other_write)| other == name && (*write || *other_write))
        {
            errors.push(format!(
                "system `{system}`: takes resource `{name}` twice, once as ResMut: use one ResMut"
            ));
        }
    }
    let commands = params
        .iter()
        .filter(|p| matches!(p, ParamInfo::Commands))
        .count();
    if commands > 1 {
        errors.push(format!(
            "system `{system}`: takes Commands twice: one Commands does everything"
        ));
    }
}

fn write_layouts(out: &mut String, all: &[ComponentInfo]) {
    out.push('[');
    for (i, c) in all.iter().enumerate() {
        comma(out, i);
        let _ = write!(
            out,
            "{{\"name\":{},\"hash\":\"{:016x}\",\"fields\":[",
            Json(c.name),
            c.hash
        );
        for (j, f) in c.fields.iter().enumerate() {
            comma(out, j);
            let _ = write!(out, "{{\"name\":{},\"type\":{}}}", Json(f.name), Json(f.ty));
        }
        out.push_str("]}");
    }
    out.push(']');
}

fn write_param(out: &mut String, param: &ParamInfo) {
    match param {
        ParamInfo::Res { info, write } => {
            let access = if *write { "write" } else { "read" };
            let _ = write!(
                out,
                "{{\"kind\":\"res\",\"name\":{},\"access\":\"{access}\"}}",
                Json(info.name)
            );
        }
        ParamInfo::Commands => out.push_str("{\"kind\":\"commands\"}"),
        ParamInfo::Local {
            layout,
            size,
            align,
        } => {
            let _ = write!(
                out,
                "{{\"kind\":\"local\",\"type\":{},\"size\":{size},\"align\":{align}}}",
                Json(layout)
            );
        }
        ParamInfo::EventWriter(info) => {
            let _ = write!(
                out,
                "{{\"kind\":\"event_writer\",\"name\":{}}}",
                Json(info.name)
            );
        }
        ParamInfo::EventReader(info) => {
            let _ = write!(
                out,
                "{{\"kind\":\"event_reader\",\"name\":{}}}",
                Json(info.name)
            );
        }
        ParamInfo::Draw => out.push_str("{\"kind\":\"draw\"}"),
        ParamInfo::Audio => out.push_str("{\"kind\":\"audio\"}"),
        ParamInfo::Query {
            data,
            with,
            without,
            entity,
        } => {
            out.push_str("{\"kind\":\"query\",\"components\":[");
            for (i, (c, access)) in data.iter().enumerate() {
                comma(out, i);
                let access = match access {
                    Access::Read => "read",
                    Access::Write => "write",
                    Access::OptionalRead => "optional_read",
                    Access::OptionalWrite => "optional_write",
                };
                let _ = write!(out, "{{\"name\":{},\"access\":\"{access}\"}}", Json(c.name));
            }
            out.push_str("],\"with\":");
            write_names(out, with);
            out.push_str(",\"without\":");
            write_names(out, without);
            if !entity.is_empty() {
                out.push_str(",\"entity\":[");
                for (i, at) in entity.iter().enumerate() {
                    comma(out, i);
                    let _ = write!(out, "{at}");
                }
                out.push(']');
            }
            out.push('}');
        }
    }
}

fn write_strs(out: &mut String, names: &[&str]) {
    out.push('[');
    for (i, name) in names.iter().enumerate() {
        comma(out, i);
        let _ = write!(out, "{}", Json(name));
    }
    out.push(']');
}

fn write_names(out: &mut String, components: &[ComponentInfo]) {
    out.push('[');
    for (i, c) in components.iter().enumerate() {
        comma(out, i);
        let _ = write!(out, "{}", Json(c.name));
    }
    out.push(']');
}

fn comma(out: &mut String, index: usize) {
    if index > 0 {
        out.push(',');
    }
}

/// Displays a string as a JSON string literal (quoted and escaped).
struct Json<'a>(&'a str);

impl std::fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_char('"')?;
        for ch in self.0.chars() {
            match ch {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(f, "\\u{:04x}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes() {
        assert_eq!(Json("plain").to_string(), "\"plain\"");
        assert_eq!(
            Json("a\"b\\c\nd\u{1}é").to_string(),
            "\"a\\\"b\\\\c\\nd\\u0001é\""
        );
    }
}
