package components

import "github.com/a-h/templ"

// ErrorID is the id of the message of field name: "err-" + name. Every form
// uses this one scheme: the message (FieldError) carries this id, and the
// control points at it (FieldAttrs).
func ErrorID(name string) string { return "err-" + name }

// FieldAttrs are the aria attributes of the control of field name: when errs
// holds a message for it, aria-invalid="true" and aria-describedby naming
// the message, so a screen reader reads the message with the control.
// Spread them on the control: <input ... { components.FieldAttrs(errs, "nip")... }/>.
func FieldAttrs(errs map[string]string, name string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": ErrorID(name)}
}

// FieldHintAttrs is FieldAttrs for a control that also has a hint with id
// hintID: the hint is always described, the message too when there is one.
func FieldHintAttrs(errs map[string]string, name, hintID string) templ.Attributes {
	if errs[name] == "" {
		return templ.Attributes{"aria-describedby": hintID}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": hintID + " " + ErrorID(name)}
}
