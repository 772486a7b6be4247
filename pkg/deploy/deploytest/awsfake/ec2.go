package awsfake

import (
	"strconv"
	"strings"
)

// ec2Ops are the EC2 operations the fake serves.
var ec2Ops = map[string]func(*Fake, *request) (any, *APIError){
	"DescribeInstances":  (*Fake).describeInstances,
	"StopInstances":      (*Fake).stopInstances,
	"StartInstances":     (*Fake).startInstances,
	"TerminateInstances": (*Fake).terminateInstances,
	"CreateTags":         (*Fake).createTags,
	"DeleteTags":         (*Fake).deleteTags,
	"DescribeTags":       (*Fake).describeTags,
}

func (f *Fake) describeInstances(q *request) (any, *APIError) {
	ids := listParam(q.form, "InstanceId")
	filters := ec2Filters(q.form)
	max, paged, err := intParam(q.form, "MaxResults")
	if err != nil || (paged && (max < 5 || max > 1000)) {
		return nil, ec2Invalid("Value ( %s ) for parameter maxResults is invalid. Expecting a value greater than 5.", q.form.Get("MaxResults"))
	}
	if paged && len(ids) > 0 {
		return nil, &APIError{400, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"}
	}
	if size := f.opts.PageSize; size > 0 && len(ids) == 0 && (!paged || max > size) {
		paged, max = true, size
	}
	start, ok := readToken(q.form.Get("NextToken"))
	if !ok {
		return nil, &APIError{400, "InvalidPaginationToken", "Invalid pagination token"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.checkIDs(ids); e != nil {
		return nil, e
	}
	out := &describeInstancesResult{Reservations: []ec2Reservation{}}
	for _, in := range f.sortedInstances() {
		if in.seq < start {
			continue
		}
		match, e := matchInstance(in, ids, filters)
		if e != nil {
			return nil, e
		}
		if !match {
			continue
		}
		if paged && len(out.Reservations) == max {
			out.NextToken = pageToken(in.seq)
			break
		}
		out.Reservations = append(out.Reservations, f.reservationOf(in))
	}
	return out, nil
}

// checkIDs answers EC2's errors for malformed or unknown instance ids;
// f.mu held.
func (f *Fake) checkIDs(ids []string) *APIError {
	var missing []string
	for _, id := range ids {
		if !wellFormedID(id) {
			return &APIError{400, "InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\""}
		}
		if _, ok := f.instances[id]; !ok {
			missing = append(missing, id)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return &APIError{400, "InvalidInstanceID.NotFound", "The instance ID '" + missing[0] + "' does not exist"}
	default:
		return &APIError{400, "InvalidInstanceID.NotFound", "The instance IDs '" + strings.Join(missing, ", ") + "' do not exist"}
	}
}

func wellFormedID(id string) bool {
	h, ok := strings.CutPrefix(id, "i-")
	if !ok || len(h) < 8 || len(h) > 17 {
		return false
	}
	_, err := strconv.ParseUint(h[:8], 16, 64)
	return err == nil && strings.Trim(h, "0123456789abcdef") == ""
}

// matchInstance applies DescribeInstances' InstanceIds and filters.
func matchInstance(in *instance, ids []string, filters []filter) (bool, *APIError) {
	if len(ids) > 0 && !containsStr(ids, in.ID) {
		return false, nil
	}
	for _, flt := range filters {
		var fields []string
		switch {
		case flt.name == "instance-id":
			fields = []string{in.ID}
		case flt.name == "instance-state-name":
			fields = []string{in.State}
		case flt.name == "instance-state-code":
			fields = []string{strconv.Itoa(stateCodes[in.State])}
		case flt.name == "availability-zone":
			fields = []string{in.AZ}
		case flt.name == "private-ip-address":
			fields = []string{in.PrivateIP}
		case flt.name == "ip-address":
			fields = []string{in.PublicIP}
		case flt.name == "instance-type":
			fields = []string{in.InstanceType}
		case flt.name == "tag-key":
			for k := range in.Tags {
				fields = append(fields, k)
			}
		case flt.name == "tag-value":
			for _, v := range in.Tags {
				fields = append(fields, v)
			}
		case strings.HasPrefix(flt.name, "tag:"):
			if v, ok := in.Tags[strings.TrimPrefix(flt.name, "tag:")]; ok {
				fields = []string{v}
			}
		default:
			return false, ec2Invalid("The filter '%s' is invalid", flt.name)
		}
		if !anyGlob(flt.values, fields) {
			return false, nil
		}
	}
	return true, nil
}

func anyGlob(patterns, fields []string) bool {
	for _, p := range patterns {
		for _, s := range fields {
			if glob(p, s) {
				return true
			}
		}
	}
	return false
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (f *Fake) stopInstances(q *request) (any, *APIError) {
	return f.changeStates(q, opStop)
}

func (f *Fake) startInstances(q *request) (any, *APIError) {
	return f.changeStates(q, opStart)
}

func (f *Fake) terminateInstances(q *request) (any, *APIError) {
	return f.changeStates(q, opTerminate)
}

// changeStates runs StopInstances, StartInstances or TerminateInstances:
// every id must exist and be in a state the change applies to, or
// nothing changes; the answer holds the transitional states, the
// machines do the rest.
func (f *Fake) changeStates(q *request, kind opKind) (any, *APIError) {
	ids := listParam(q.form, "InstanceId")
	if len(ids) == 0 {
		return nil, &APIError{400, "MissingParameter", "The request must contain the parameter InstanceId"}
	}
	force := q.form.Get("Force") == "true"
	f.mu.Lock()
	if e := f.checkIDs(ids); e != nil {
		f.mu.Unlock()
		return nil, e
	}
	for _, id := range ids {
		if _, ok := transition(kind, f.instances[id].State); !ok {
			f.mu.Unlock()
			return nil, &APIError{400, "IncorrectInstanceState", "The instance '" + id + "' is not in a state from which it can be " + kind.past() + "."}
		}
	}
	out := &stateChangeResult{}
	var ops []machineOp
	for _, id := range ids {
		in := f.instances[id]
		prev := in.State
		if op, ok := f.begin(in, kind, force, "user request"); ok {
			ops = append(ops, op)
		}
		out.Changes = append(out.Changes, ec2StateChange{InstanceID: id, Previous: stateOf(prev), Current: stateOf(in.State)})
	}
	f.mu.Unlock()
	f.run(ops, nil)
	if kind == opTerminate {
		f.kickReconciler() // a group may have lost an instance to replace
	}
	return out, nil
}
