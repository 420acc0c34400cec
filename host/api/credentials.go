package api

// User is a configured user, who logs in with a password.
type User struct {
	Name         string
	Role         Role
	PasswordHash string
}

// Token is a configured API token, by its hash (TokenHash).
type Token struct {
	Name string
	Role Role
	Hash string
}

// credentials are the users and tokens in force; replaced whole on reload.
type credentials struct {
	users  []User
	tokens []Token
}

// SetCredentials puts the configured users and tokens in force. Sessions
// of a user removed or changed in role take effect at their next request.
func (s *Server) SetCredentials(users []User, tokens []Token) {
	s.creds.Store(&credentials{users: users, tokens: tokens})
}

func (c *credentials) user(name string) (User, bool) {
	for _, u := range c.users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// token finds the token whose hash is hash, comparing every configured
// hash in constant time.
func (c *credentials) token(hash string) (Token, bool) {
	var found Token
	ok := false
	for _, t := range c.tokens {
		if equalHash(t.Hash, hash) {
			found, ok = t, true
		}
	}
	return found, ok
}
