//! Evaluating a checked expression against one item.

use serde_json::{Map, Value};

use super::check::Node;
use super::syntax::CompareOp;
use crate::server::query::values::Val;

/// Whether `item` makes `root` true.
pub(crate) fn matches(root: &Node<'_>, item: &Map<String, Value>) -> bool {
    evaluate(root, item) == Val::Bool(true)
}

fn evaluate<'a>(node: &'a Node<'_>, item: &'a Map<String, Value>) -> Val<'a> {
    match node {
        Node::Const(constant) => constant.value(),
        Node::Property(property) => Val::read(item.get(property.name()), property.kind()),
        Node::Not(operand) => match evaluate(operand, item) {
            Val::Bool(value) => Val::Bool(!value),
            _ => Val::Null,
        },
        // Three-valued: false wins `and`, true wins `or`; else null, if any.
        Node::And(operands) => junction(operands, item, false),
        Node::Or(operands) => junction(operands, item, true),
        Node::Compare { op, left, right } => Val::Bool(compare(*op, &evaluate(left, item), &evaluate(right, item))),
        Node::Text { function, text, part } => match (evaluate(text, item), evaluate(part, item)) {
            (Val::Str(text), Val::Str(part)) => Val::Bool(function.apply(text, part)),
            _ => Val::Null,
        },
    }
}

/// `and` (`decisive` false) or `or` (`decisive` true).
fn junction<'a>(operands: &'a [Node<'_>], item: &'a Map<String, Value>, decisive: bool) -> Val<'a> {
    let mut unknown = false;
    for operand in operands {
        match evaluate(operand, item) {
            Val::Bool(value) if value == decisive => return Val::Bool(decisive),
            Val::Bool(_) => {}
            _ => unknown = true,
        }
    }
    if unknown { Val::Null } else { Val::Bool(!decisive) }
}

/// A comparison, with OData's null rules: null equals null only; `gt` and
/// `lt` are false with a null side, `ge` and `le` are `gt or eq`. A stored
/// value not of its property's kind equals nothing and orders with nothing.
fn compare(op: CompareOp, left: &Val<'_>, right: &Val<'_>) -> bool {
    let order = match (left, right) {
        (Val::Null, Val::Null) => return matches!(op, CompareOp::Eq | CompareOp::Ge | CompareOp::Le),
        (Val::Null, _) | (_, Val::Null) => return op == CompareOp::Ne,
        _ => left.compare(right),
    };
    let Some(order) = order else { return op == CompareOp::Ne };
    match op {
        CompareOp::Eq => order.is_eq(),
        CompareOp::Ne => order.is_ne(),
        CompareOp::Gt => order.is_gt(),
        CompareOp::Ge => order.is_ge(),
        CompareOp::Lt => order.is_lt(),
        CompareOp::Le => order.is_le(),
    }
}
