package server

import (
	"testing"

	"github.com/chatapi/chatapi/chat"
	"github.com/chatapi/chatapi/gen/chatapi"
)

// The codes of the one error classification are the contract's.
func TestClassifiedCodesAreTheContracts(t *testing.T) {
	for _, code := range []string{chat.CodeValidation, chat.CodeAuthorization, chat.CodeNotFound, chat.CodeConflict, chat.CodeSyncReset} {
		if !chatapi.ErrorCode(code).Valid() {
			t.Errorf("chat code %q is not an ErrorCode of openapi.yaml", code)
		}
	}
}
