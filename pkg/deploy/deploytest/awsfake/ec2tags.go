package awsfake

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// tagParams reads Tag.N.Key and Tag.N.Value; hasValue says whether
// Tag.N.Value was sent (DeleteTags matches the value only then).
func tagParams(q *request) (keys, values []string, hasValue []bool) {
	for i := 1; ; i++ {
		p := "Tag." + strconv.Itoa(i)
		k, ok := q.form[p+".Key"]
		if !ok {
			return keys, values, hasValue
		}
		v, has := q.form[p+".Value"]
		keys = append(keys, k[0])
		if has {
			values = append(values, v[0])
		} else {
			values = append(values, "")
		}
		hasValue = append(hasValue, has)
	}
}

// checkResources answers EC2's errors for CreateTags' and DeleteTags'
// ResourceId list (only instances are modelled); f.mu held.
func (f *Fake) checkResources(ids []string) *APIError {
	if len(ids) == 0 {
		return &APIError{400, "MissingParameter", "The request must contain the parameter resourceIdSet"}
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, "i-") {
			return &APIError{400, "InvalidID", "The ID '" + id + "' is not valid"}
		}
	}
	return f.checkIDs(ids)
}

func (f *Fake) createTags(q *request) (any, *APIError) {
	ids := listParam(q.form, "ResourceId")
	keys, values, _ := tagParams(q)
	if len(keys) == 0 {
		return nil, &APIError{400, "MissingParameter", "The request must contain the parameter tagSet"}
	}
	for _, k := range keys {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, ec2Invalid("Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.checkResources(ids); e != nil {
		return nil, e
	}
	for _, id := range ids {
		for i, k := range keys {
			f.instances[id].Tags[k] = values[i]
		}
	}
	return &ec2Return{Return: true}, nil
}

func (f *Fake) deleteTags(q *request) (any, *APIError) {
	ids := listParam(q.form, "ResourceId")
	keys, values, hasValue := tagParams(q)
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.checkResources(ids); e != nil {
		return nil, e
	}
	for _, id := range ids {
		tags := f.instances[id].Tags
		if len(keys) == 0 { // every tag but AWS's own
			maps.DeleteFunc(tags, func(k, _ string) bool { return !strings.HasPrefix(k, "aws:") })
		}
		for i, k := range keys {
			if v, ok := tags[k]; ok && (!hasValue[i] || v == values[i]) {
				delete(tags, k)
			}
		}
	}
	return &ec2Return{Return: true}, nil
}

// describeTags answers DescribeTags for instances, with its filters
// resource-id, resource-type, key and value (no pagination: every tag
// fits one page here).
func (f *Fake) describeTags(q *request) (any, *APIError) {
	filters := ec2Filters(q.form)
	for _, flt := range filters {
		switch flt.name {
		case "resource-id", "resource-type", "key", "value":
		default:
			return nil, ec2Invalid("The filter '%s' is invalid", flt.name)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &describeTagsResult{Tags: []ec2TagDescription{}}
	for _, in := range f.sortedInstances() {
		for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
			d := ec2TagDescription{ResourceID: in.ID, ResourceType: "instance", Key: k, Value: in.Tags[k]}
			if tagMatches(d, filters) {
				out.Tags = append(out.Tags, d)
			}
		}
	}
	return out, nil
}

func tagMatches(d ec2TagDescription, filters []filter) bool {
	for _, flt := range filters {
		field := map[string]string{"resource-id": d.ResourceID, "resource-type": d.ResourceType, "key": d.Key, "value": d.Value}[flt.name]
		if !anyGlob(flt.values, []string{field}) {
			return false
		}
	}
	return true
}
