package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// registryLogin: ECR's GetAuthorizationToken, decoded.
func (c *caller) registryLogin(ctx context.Context, _ Request) (Response, error) {
	out, err := c.ecr.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return Response{}, err
	}
	if len(out.AuthorizationData) == 0 {
		return Response{}, &Error{Code: CodeAPI, Action: "ecr:GetAuthorizationToken", Message: "ecr:GetAuthorizationToken answered no authorization data"}
	}
	d := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(d.AuthorizationToken))
	user, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return Response{}, &Error{Code: CodeAPI, Action: "ecr:GetAuthorizationToken", Message: "ecr:GetAuthorizationToken answered a token that is not base64 of user:password"}
	}
	host := aws.ToString(d.ProxyEndpoint)
	host = strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	return Response{Registry: &Registry{
		Host:     strings.TrimSuffix(host, "/"),
		Username: user,
		Password: password,
		Expires:  aws.ToTime(d.ExpiresAt),
	}}, nil
}

// ensureRepository: the repository exists, created when missing. One
// created meanwhile by another (RepositoryAlreadyExistsException) exists.
func (c *caller) ensureRepository(ctx context.Context, req Request) (Response, error) {
	if req.Repository == "" {
		return Response{}, &Error{Code: CodeInvalid, Message: "ensure-repository: no repository named"}
	}
	_, err := c.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{req.Repository}})
	var missing *ecrtypes.RepositoryNotFoundException
	switch {
	case err == nil:
		return Response{}, nil
	case !errors.As(err, &missing):
		return Response{}, err
	}
	_, err = c.ecr.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(req.Repository)})
	var exists *ecrtypes.RepositoryAlreadyExistsException
	switch {
	case err == nil:
		return Response{Created: true, Changes: []string{fmt.Sprintf("created ECR repository %s", req.Repository)}}, nil
	case errors.As(err, &exists):
		return Response{}, nil
	}
	return Response{}, err
}
