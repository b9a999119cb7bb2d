//! H2O class vocabularies: objects, actions and verbs.

/// Object classes by `obj_pose` id (index 0 is "no object").
pub const OBJECT_NAMES: [&str; 9] = [
    "none",
    "book",
    "espresso",
    "lotion",
    "spray",
    "milk",
    "cocoa",
    "chips",
    "cappuccino",
];

/// Action classes by `action_label` id (index 0 is background). The SHARP classifier's
/// logit `k` is action id `k + 1`.
pub const ACTION_NAMES: [&str; 37] = [
    "background",
    "grab book",
    "grab espresso",
    "grab lotion",
    "grab spray",
    "grab milk",
    "grab cocoa",
    "grab chips",
    "grab cappuccino",
    "place book",
    "place espresso",
    "place lotion",
    "place spray",
    "place milk",
    "place cocoa",
    "place chips",
    "place cappuccino",
    "open lotion",
    "open milk",
    "open chips",
    "close lotion",
    "close milk",
    "close chips",
    "pour milk",
    "take out espresso",
    "take out cocoa",
    "take out chips",
    "take out cappuccino",
    "put in espresso",
    "put in cocoa",
    "put in cappuccino",
    "apply lotion",
    "apply spray",
    "read book",
    "read espresso",
    "spray spray",
    "squeeze lotion",
];

/// Verb classes by `verb_label` id (index 0 is background), in the order the verbs
/// first appear in the action list.
pub const VERB_NAMES: [&str; 12] = [
    "background",
    "grab",
    "place",
    "open",
    "close",
    "pour",
    "take out",
    "put in",
    "apply",
    "read",
    "spray",
    "squeeze",
];

/// Number of action classes the classifier scores (ids 1..=36).
pub const ACTION_CLASS_COUNT: usize = ACTION_NAMES.len() - 1;

/// Name of an action id, or `None` when the id is outside the H2O vocabulary.
pub fn action_name(id: u32) -> Option<&'static str> {
    ACTION_NAMES.get(id as usize).copied()
}

/// Name of an object class id, or `None` when the id is outside the H2O vocabulary.
pub fn object_name(id: u32) -> Option<&'static str> {
    OBJECT_NAMES.get(id as usize).copied()
}

/// Name of a verb id, or `None` when the id is outside the H2O vocabulary.
pub fn verb_name(id: u32) -> Option<&'static str> {
    VERB_NAMES.get(id as usize).copied()
}

/// The verb of an action id (`grab milk` -> `grab`), by matching the action name's prefix.
pub fn verb_of_action(action_id: u32) -> Option<u32> {
    let action = action_name(action_id)?;
    if action_id == 0 {
        return Some(0);
    }
    VERB_NAMES
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, verb)| action.starts_with(&format!("{verb} ")))
        .map(|(id, _)| id as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifier_covers_every_non_background_action() {
        assert_eq!(ACTION_CLASS_COUNT, 36);
        assert_eq!(action_name(36), Some("squeeze lotion"));
        assert_eq!(action_name(37), None);
    }

    #[test]
    fn every_action_has_a_verb_and_a_known_object() {
        for id in 1..=ACTION_CLASS_COUNT as u32 {
            let verb = verb_of_action(id).expect("every action starts with a verb");
            let name = action_name(id).expect("in range");
            let object = &name[VERB_NAMES[verb as usize].len() + 1..];
            assert!(
                OBJECT_NAMES.contains(&object),
                "{name}: unknown object {object}"
            );
        }
        assert_eq!(verb_of_action(23), Some(5));
        assert_eq!(verb_of_action(0), Some(0));
    }
}
