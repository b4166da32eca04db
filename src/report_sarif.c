/*
 * report_sarif.c - SARIF 2.1.0 for code-scanning tools: one run, one result
 * per flagged group, located at the group's first user frame (or its
 * creator), with rule ids from the diagnosis names (report_ci.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "report_priv.h"

#ifndef GTRIAGE_VERSION
#define GTRIAGE_VERSION "0.1.0"
#endif

#define SARIF_SCHEMA                                                        \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/"      \
	"schemas/sarif-schema-2.1.0.json"

static json_t *text_obj(const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", report_json_str(s));
	return o;
}

/* Index of rule id in rules, added if new. */
static size_t rule_index(json_t *rules, const report_ci_rule_info *ri)
{
	size_t i;
	json_t *r;

	for (i = 0; i < json_array_size(rules); i++) {
		r = json_array_get(rules, i);
		if (strcmp(json_string_value(json_object_get(r, "id")),
			   ri->id) == 0)
			return i;
	}
	r = json_object();
	json_object_set_new(r, "id", report_json_str(ri->id));
	json_object_set_new(r, "shortDescription", text_obj(ri->text));
	json_object_set_new(r, "fullDescription", text_obj(ri->text));
	json_object_set_new(r, "help", text_obj(ri->help));
	json_array_append_new(rules, r);
	return i;
}

static json_t *location(const group_frame *f, const report_ci_root_info *root)
{
	json_t *loc = json_object(), *phys = json_object(),
	       *art = json_object(), *lg = json_array(), *l = json_object();

	json_object_set_new(art, "uri",
			    report_json_str(report_ci_frame_path(f, root)));
	json_object_set_new(phys, "artifactLocation", art);
	if (f->line) {
		json_t *region = json_object();

		json_object_set_new(region, "startLine", json_integer(f->line));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	json_object_set_new(l, "fullyQualifiedName", report_json_str(f->func));
	json_object_set_new(l, "kind", json_string("function"));
	json_array_append_new(lg, l);
	json_object_set_new(loc, "logicalLocations", lg);
	return loc;
}

static json_t *result(const group *g, const group_dump *d,
		      const report_ci_root_info *root, const report_opts *o,
		      const group_opts *go, json_t *rules)
{
	report_ci_rule_info ri;
	const group_frame *at = report_ci_location(g);
	json_t *r = json_object(), *props = json_object(), *diags = json_array();
	char msg[2048];
	size_t i;

	report_ci_rule(g, &ri);
	report_ci_summary(g, d, go, msg, sizeof msg);
	json_object_set_new(r, "ruleId", report_json_str(ri.id));
	json_object_set_new(r, "ruleIndex",
			    json_integer((json_int_t)rule_index(rules, &ri)));
	json_object_set_new(r, "level", json_string("error"));
	json_object_set_new(r, "message", text_obj(msg));
	if (at && at->file) {
		json_t *locs = json_array();

		json_array_append_new(locs, location(at, root));
		json_object_set_new(r, "locations", locs);
	}
	/* the same group in the next run is the same alert */
	json_object_set_new(r, "partialFingerprints",
			    json_pack("{s:o}", "gtriageFingerprint/v1",
				      report_json_str(g->fingerprint)));
	json_object_set_new(props, "source",
			    report_json_str(o->source ? o->source : "-"));
	json_object_set_new(props, "count",
			    json_integer(g->count > INT64_MAX
						 ? INT64_MAX
						 : (json_int_t)g->count));
	json_object_set_new(props, "category",
			    json_string(category_name(g->cat)));
	for (i = 0; i < g->ndiags; i++)
		json_array_append_new(diags, report_json_str(g->diags[i]->name));
	json_object_set_new(props, "diagnoses", diags);
	json_object_set_new(r, "properties", props);
	return r;
}

int report_sarif_inputs(FILE *out, const report_input *in, size_t n,
			const report_opts *o)
{
	json_t *doc = json_object(), *run = json_object(),
	       *driver = json_object(), *tool = json_object(),
	       *rules = json_array(), *results = json_array(),
	       *runs = json_array();

	for (size_t k = 0; k < n; k++) {
		const group_dump *d =
			in[k].set ? group_set_last(in[k].set) : NULL;
		report_opts one = *o;
		report_ci_root_info root;

		if (d == NULL)
			continue;
		one.source = in[k].name;
		report_ci_root(d, &root);
		for (size_t i = 0; i < d->ngroups; i++)
			if (group_is_leak(d->groups[i]))
				json_array_append_new(
					results,
					result(d->groups[i], d, &root, &one,
					       &in[k].set->opts, rules));
	}
	json_object_set_new(driver, "name", json_string("gtriage"));
	json_object_set_new(driver, "version", json_string(GTRIAGE_VERSION));
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);
	json_object_set_new(doc, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(doc, "version", json_string("2.1.0"));
	json_object_set_new(doc, "runs", runs);
	return report_json_dump(out, doc);
}

int report_sarif(FILE *out, const group_set *s, const report_opts *o)
{
	report_input in = {o->source ? o->source : "-", s, NULL};

	return report_sarif_inputs(out, &in, 1, o);
}
