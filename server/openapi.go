package server

import (
	_ "embed"
	"net/http"
)

// openAPI is the API's reference, an OpenAPI 3.1 document. TestOpenAPI
// checks it against routes().
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI serves GET /api/v1/openapi.json.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPI)
}
