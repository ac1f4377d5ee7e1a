//! Cycles of types: the strongly connected components of "holds a value of" edges (Tarjan,
//! iterative, so deep chains of types cannot overflow the stack); every reference within one is
//! boxed, so every type has a finite size. Arrays and maps are on the heap already.

use std::collections::BTreeMap;

use super::{Shape, TypeDef};

/// Boxes every reference from a type to a type of its own cycle (found as strongly connected
/// components of "holds a value of" edges; arrays and maps are already on the heap), so each
/// type has a finite size.
pub(super) fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    fn held(shape: &Shape, out: &mut Vec<String>) {
        match shape {
            Shape::Named(name) => out.push(name.clone()),
            Shape::Nullable(inner) => held(inner, out),
            _ => {}
        }
    }
    let names: Vec<&String> = types.keys().collect();
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|t| {
            let mut out = Vec::new();
            match t {
                TypeDef::Struct(s) => s.fields.iter().for_each(|f| held(&f.shape, &mut out)),
                TypeDef::Union(u) => u.variants.iter().for_each(|v| held(&v.shape, &mut out)),
                TypeDef::Enum(_) => {}
            }
            out.iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut boxes: Vec<(String, String)> = Vec::new();
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            if component[from] == component[to] {
                boxes.push((names[from].clone(), names[to].clone()));
            }
        }
    }
    fn boxed(shape: &mut Shape, target: &str) {
        match shape {
            Shape::Named(name) if name == target => {
                *shape = Shape::Boxed(Box::new(Shape::Named(name.clone())))
            }
            Shape::Nullable(inner) => boxed(inner, target),
            _ => {}
        }
    }
    for (from, to) in boxes {
        match types.get_mut(&from) {
            Some(TypeDef::Struct(s)) => s.fields.iter_mut().for_each(|f| boxed(&mut f.shape, &to)),
            Some(TypeDef::Union(u)) => u.variants.iter_mut().for_each(|v| boxed(&mut v.shape, &to)),
            _ => {}
        }
    }
}

/// Tarjan's algorithm: the strongly connected component of each node (iterative, so deep
/// chains of types cannot overflow the stack).
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut component) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some((node, child)) = work.pop() {
            if child == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            } else {
                let previous = edges[node][child - 1];
                low[node] = low[node].min(low[previous]);
            }
            let mut descended = false;
            for (i, &next) in edges[node].iter().enumerate().skip(child) {
                if index[next] == NONE {
                    work.push((node, i + 1));
                    work.push((next, 0));
                    descended = true;
                    break;
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
            }
            if descended {
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
