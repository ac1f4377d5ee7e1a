//! Page-numbered lists: which operations are, and where the items of their answers are.

use super::{
    Bounds, Items, ItemsArm, Lowerer, Paging, Param, ParamLocation, Presence, Shape, Success,
    TypeDef,
};

impl Lowerer<'_> {
    /// Recognizes a page-numbered list (see [`Paging`]).
    pub(super) fn paging(&self, params: &[Param], success: &Success) -> Option<Paging> {
        let page = params.iter().find(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && matches!(p.shape, Shape::Integer(..))
                && p.wire == "page"
        })?;
        let Success::Json(shape) = success else {
            return None;
        };
        let (item, items) = self.items(shape)?;
        let first = match &page.shape {
            Shape::Integer(
                _,
                Bounds {
                    min: Some((min, exclusive)),
                    ..
                },
            ) => *min as i64 + i64::from(*exclusive),
            _ => 0,
        };
        Some(Paging {
            page: page.ident.clone(),
            first,
            item,
            items,
        })
    }

    /// The item shape of a list answer, and where the items are.
    pub(super) fn items(&self, shape: &Shape) -> Option<(Shape, Items)> {
        match shape {
            Shape::Array { items, .. } => Some(((**items).clone(), Items::Whole)),
            Shape::Named(name) => match self.types.get(name)? {
                TypeDef::Struct(s) => {
                    let mut arrays = s
                        .fields
                        .iter()
                        .filter_map(|f| match (&f.shape, f.presence) {
                            (
                                Shape::Array { items, .. },
                                Presence::Required | Presence::Optional,
                            ) => Some(((**items).clone(), f)),
                            _ => None,
                        });
                    let (item, field) = arrays.next()?;
                    if arrays.next().is_some() {
                        return None;
                    }
                    let optional = field.presence == Presence::Optional;
                    Some((
                        item,
                        Items::Field {
                            ident: field.ident.clone(),
                            optional,
                        },
                    ))
                }
                TypeDef::Union(u) => {
                    let mut item = None;
                    let mut arms = Vec::new();
                    for variant in &u.variants {
                        if let Some((shape, items)) = self.items(&variant.shape) {
                            if item.get_or_insert_with(|| shape.clone()) != &shape {
                                return None;
                            }
                            arms.push(ItemsArm {
                                variant: variant.ident.clone(),
                                inline: variant.inline,
                                items,
                            });
                        }
                    }
                    Some((item?, Items::Union(u.name.clone(), arms)))
                }
                TypeDef::Enum(_) => None,
            },
            _ => None,
        }
    }
}
