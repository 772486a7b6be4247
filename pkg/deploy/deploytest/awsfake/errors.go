package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error a service answers: HTTP status, code, message.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Kinds of authentication failure.
const (
	authMissing = iota
	authMalformed
	authWrongService
	authWrongRegion
	authUnknownKey
)

// authErrors are each service's answers to an authentication failure,
// as each answers them (EC2 says AuthFailure for most; Auto Scaling
// speaks the common Query errors; ECR the JSON services' exceptions).
var authErrors = map[string][5]APIError{
	ServiceEC2: {
		{401, "AuthFailure", "AWS was not able to validate the provided access credentials"},
		{400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"},
		{401, "AuthFailure", "Credential should be scoped to correct service: '%s'."},
		{401, "AuthFailure", "Credential should be scoped to a valid region, not '%s'."},
		{401, "AuthFailure", "AWS was not able to validate the provided access credentials"},
	},
	ServiceAutoScaling: {
		{403, "MissingAuthenticationToken", "Request is missing Authentication Token"},
		{400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"},
		{403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '%s'."},
		{403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '%s'."},
		{403, "InvalidClientTokenId", "The security token included in the request is invalid."},
	},
	ServiceECR: {
		{400, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{400, "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"},
		{400, "InvalidSignatureException", "Credential should be scoped to correct service: '%s'."},
		{400, "InvalidSignatureException", "Credential should be scoped to a valid region, not '%s'."},
		{400, "UnrecognizedClientException", "The security token included in the request is invalid."},
	},
}

func authError(service string, kind int, arg string) *APIError {
	e := authErrors[service][kind]
	if strings.Contains(e.Message, "%s") {
		e.Message = fmt.Sprintf(e.Message, arg)
	}
	return &e
}

// unknownOp is each service's answer to an action it does not have (or
// that the fake does not model).
func unknownOp(q *request) *APIError {
	if q.service == ServiceECR {
		return &APIError{400, "UnknownOperationException", "Unknown operation " + q.op}
	}
	return &APIError{400, "InvalidAction", "The action " + q.op + " is not valid for this web service."}
}

// validation is Auto Scaling's ValidationError.
func validation(format string, args ...any) *APIError {
	return &APIError{400, "ValidationError", fmt.Sprintf(format, args...)}
}

// ec2Invalid is EC2's InvalidParameterValue.
func ec2Invalid(format string, args ...any) *APIError {
	return &APIError{400, "InvalidParameterValue", fmt.Sprintf(format, args...)}
}

// ec2ErrorBody is EC2's error document.
type ec2ErrorBody struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

// queryErrorBody is the Query protocol's error document (Auto Scaling).
type queryErrorBody struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// writeError answers e in q's service's shape.
func writeError(w http.ResponseWriter, q *request, e *APIError) {
	switch q.service {
	case ServiceECR:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(e.Status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
	case ServiceAutoScaling:
		typ := "Sender"
		if e.Status >= 500 {
			typ = "Receiver"
		}
		writeXML(w, e.Status, queryErrorBody{Xmlns: asgXmlns, Type: typ, Code: e.Code, Message: e.Message, RequestID: q.id})
	default:
		writeXML(w, e.Status, ec2ErrorBody{Code: e.Code, Message: e.Message, RequestID: q.id})
	}
}

// writeResult answers an operation's result in q's service's shape.
func writeResult(w http.ResponseWriter, q *request, out any) {
	switch q.service {
	case ServiceECR:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(out)
	case ServiceAutoScaling:
		writeXML(w, http.StatusOK, asgEnvelope{op: q.op, id: q.id, result: out})
	default:
		if m, ok := out.(interface{ setRequestID(string) }); ok {
			m.setRequestID(q.id)
		}
		writeXMLElement(w, out, xml.StartElement{
			Name: xml.Name{Local: q.op + "Response"},
			Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ec2Xmlns}},
		})
	}
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func writeXMLElement(w http.ResponseWriter, v any, start xml.StartElement) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).EncodeElement(v, start)
}
