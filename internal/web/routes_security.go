package web

// securityRoutes are the account-security routes (password change, two-factor).
func (s *Server) securityRoutes() []Route { return nil }
