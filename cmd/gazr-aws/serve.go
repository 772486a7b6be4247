package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// operation runs one Op with the call's clients.
type operation func(c *caller, ctx context.Context, req Request) (Response, error)

// operations are the protocol's, by Request.Op.
var operations = map[string]operation{
	OpDescribe:           (*caller).describe,
	OpRegistryLogin:      (*caller).registryLogin,
	OpEnsureRepository:   (*caller).ensureRepository,
	OpSetDesired:         (*caller).setDesired,
	OpTerminateInGroup:   needIDs((*caller).terminateInGroup),
	OpStopInstances:      needIDs((*caller).stopInstances),
	OpStartInstances:     needIDs((*caller).startInstances),
	OpTerminateInstances: needIDs((*caller).terminateInstances),
	OpPutSchedule:        (*caller).putSchedule,
}

// serve runs req: the response holds the operation's result, or its
// error said as the protocol's Error.
func serve(ctx context.Context, req Request, s settings) Response {
	op, ok := operations[req.Op]
	if !ok {
		known := make([]string, 0, len(operations))
		for name := range operations {
			known = append(known, name)
		}
		slices.Sort(known)
		return Response{Error: &Error{Code: CodeInvalid, Message: fmt.Sprintf(
			"unknown operation %q; known: %s", req.Op, strings.Join(known, ", "))}}
	}
	c, err := connect(ctx, req.Target, s)
	if err != nil {
		// connect's own errors are *Error already; the rest (credentials
		// retrieval cut by the deadline…) are said like a call's.
		c = &caller{region: req.Target.Region, endpoint: req.Target.EndpointURL, target: req.Target, settings: s}
		return Response{Error: c.toError(ctx, err)}
	}
	resp, err := op(c, ctx, req)
	if err != nil {
		resp.Error = c.toError(ctx, err)
	}
	return resp
}

// needIDs refuses a request that names no instance.
func needIDs(op operation) operation {
	return func(c *caller, ctx context.Context, req Request) (Response, error) {
		if len(req.InstanceIDs) == 0 {
			return Response{}, &Error{Code: CodeInvalid, Message: "no instance ids in the request"}
		}
		return op(c, ctx, req)
	}
}
