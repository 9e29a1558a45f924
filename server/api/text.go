package api

import (
	"unicode"
	"unicode/utf8"
)

// The text rules. Every text imdesk sends to Tencent or keeps as a name
// passes one of two checks here, so that every family refuses the same
// characters with the same sentence:
//
//   - CheckText, for free text (an attribute's value): valid UTF-8, no
//     control character (C0, DEL, C1: NUL, line breaks, tabs, ESC, U+0085,
//     …), and no U+FFFD, which a JSON decoder puts where the request had an
//     unpaired surrogate and which stands for text already lost.
//   - CheckName, for what names something (an attribute's key, the name of
//     a conversation group or a friend list, a custom mark, a user or group
//     ID, a panel account's name): CheckText's rules, and no character that
//     reorders or hides text (the line and paragraph separators U+2028 and
//     U+2029, the bidirectional embeddings, overrides and isolates
//     U+202A–U+202E and U+2066–U+2069), and no invisible character or white
//     space at either end (U+200B–U+200D, U+2060, U+FEFF): two names that
//     look the same must be the same, and a name must read as it is stored.
//
// Nothing is trimmed or replaced: a text that would have to be changed to
// pass is refused, naming the character and where it is.

// CheckText refuses free text Tencent should never be sent. what names the
// text in the sentence ("The value of %q").
func CheckText(field string, what Phrase, s string) *FieldError {
	if !utf8.ValidString(s) {
		return fieldErr(field, "%s is not valid text.", what)
	}
	for i, r := range s {
		switch {
		case unicode.IsControl(r):
			return fieldErr(field, "%s holds a control character (U+%04X at byte %d); remove it.", what, r, i)
		case r == utf8.RuneError:
			return fieldErr(field, "%s holds a broken character (U+FFFD at byte %d, e.g. from an unpaired surrogate); remove it.", what, i)
		}
	}
	return nil
}

// CheckName refuses a name that CheckText refuses, or that holds a
// character that reorders or hides text, or that starts or ends with an
// invisible character or white space. what names the text ("The name").
func CheckName(field string, what Phrase, s string) *FieldError {
	if err := CheckText(field, what, s); err != nil {
		return err
	}
	for i, r := range s {
		if reorders(r) {
			return fieldErr(field, "%s holds a character that reorders or hides text (U+%04X at byte %d); remove it.", what, r, i)
		}
	}
	if r, size := utf8.DecodeRuneInString(s); size > 0 && (invisible(r) || unicode.IsSpace(r)) {
		return edgeErr(field, what, r)
	}
	if r, size := utf8.DecodeLastRuneInString(s); size > 0 && (invisible(r) || unicode.IsSpace(r)) {
		return edgeErr(field, what, r)
	}
	return nil
}

func edgeErr(field string, what Phrase, r rune) *FieldError {
	if unicode.IsSpace(r) {
		return fieldErr(field, "%s starts or ends with a space; remove it.", what)
	}
	return fieldErr(field, "%s starts or ends with an invisible character (U+%04X); remove it.", what, r)
}

// reorders reports the characters that change the order or the lines in
// which the text around them is shown.
func reorders(r rune) bool {
	return r == 0x2028 || r == 0x2029 || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// invisible reports characters of no width.
func invisible(r rune) bool {
	return (r >= 0x200B && r <= 0x200D) || r == 0x2060 || r == 0xFEFF
}
