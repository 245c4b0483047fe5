// Package auth holds Weijian's authentication: argon2id password hashes,
// the password policy, login with lockout, and sessions (tokens whose
// hashes are stored, with idle and absolute expiry). It speaks to storage
// through weijian.UserStore and knows nothing of HTTP.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/weijian-health/weijian"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane), about
// 25 ms per hash on the 2-core machines counties run. They are stored in
// each hash, so raising them later does not break old hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether pw matches the hash, in constant time.
func VerifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// CheckPolicy enforces the password policy: at least 8 characters from at
// least 3 of the classes lower case, upper case, digits and symbols, not
// containing the username, at most 128 characters.
func CheckPolicy(pw, username string) error {
	n := len([]rune(pw))
	if n < 8 || n > 128 {
		return weijian.Invalid(weijian.T("密码长度应为8至128个字符", "a password has 8 to 128 characters"))
	}
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return weijian.Invalid(weijian.T("密码须包含小写字母、大写字母、数字、符号中的至少三类",
			"a password needs at least 3 of: lower case, upper case, digits, symbols"))
	}
	if u := strings.ToLower(username); len(u) >= 3 && (strings.Contains(strings.ToLower(pw), u) ||
		strings.Contains(unLeet(strings.ToLower(pw)), unLeet(u))) {
		return weijian.Invalid(weijian.T("密码不能包含用户名", "a password cannot contain the username"))
	}
	if common(pw) {
		return weijian.Invalid(weijian.T("该密码过于常见，容易被猜中，请换一个（如几个无关词语加数字）",
			"this password is too common and easily guessed: choose another (several unrelated words with digits, say)"))
	}
	return nil
}

//go:embed common_passwords.txt
var commonText string

// commonPasswords is the embedded list of the most common passwords.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(commonText) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// common reports whether pw is a common password, or mostly one: a listed
// password makes up at least 60% of it ("Password1!", "woaini1314A"),
// also after look-alike digits and symbols are read as letters
// ("P@ssw0rd"); or it is a listed word with only digits and symbols added
// ("Li12345678!"); or one letter repeated.
func common(pw string) bool {
	lower := strings.ToLower(pw)
	for _, cand := range []string{lower, unLeet(lower)} {
		if commonPasswords[cand] {
			return true
		}
		for word := range commonPasswords {
			if len(word) >= 4 && 10*len(word) >= 6*len(cand) && strings.Contains(cand, word) {
				return true
			}
		}
		base := strings.TrimFunc(cand, func(r rune) bool { return !unicode.IsLetter(r) })
		if commonPasswords[base] {
			return true
		}
		if base != "" && strings.Count(base, base[:1]) == len(base) && len(base) < 8 {
			return true // "aaaa1234!": one letter repeated
		}
	}
	return false
}

// unLeet undoes the usual look-alike substitutions.
func unLeet(s string) string {
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i").Replace(s)
}

// NeedsRehash reports whether hash was made with weaker argon2 parameters
// than HashPassword uses now, so that a login should store a new hash.
func NeedsRehash(hash string) bool {
	var mem, iters uint32
	var threads uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false
	}
	return mem < argonMemory || iters < argonTime || threads < argonThreads
}

// GeneratePassword returns a random password that meets the policy, for
// the first administrator of a demo and for resets by an administrator.
func GeneratePassword() string {
	const (
		lower  = "abcdefghijkmnpqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
	)
	sets := []string{lower, upper, digits, lower, upper, digits, lower, upper, digits, lower, digits, upper}
	b := make([]byte, len(sets))
	r := make([]byte, len(sets))
	rand.Read(r)
	for i, set := range sets {
		b[i] = set[int(r[i])%len(set)]
	}
	return string(b)
}
