#include "engine/graph.h"

#include <algorithm>
#include <queue>

#include "engine/op.h"

namespace ppocr::engine {

template <class T>
static const T* get_as(const std::map<std::string, AttrValue>& m, const std::string& k, const char* tname) {
  auto it = m.find(k);
  if (it == m.end()) return nullptr;
  if (auto p = std::get_if<T>(&it->second)) return p;
  fail("attribute '", k, "' is not of type ", tname);
}

int64_t Attrs::i(const std::string& k, int64_t def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<int64_t>(&it->second)) return *p;
  if (auto p = std::get_if<float>(&it->second)) return static_cast<int64_t>(*p);
  fail("attribute '", k, "' is not an integer");
}
float Attrs::f(const std::string& k, float def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<float>(&it->second)) return *p;
  if (auto p = std::get_if<int64_t>(&it->second)) return static_cast<float>(*p);
  fail("attribute '", k, "' is not a number");
}
std::string Attrs::s(const std::string& k, const std::string& def) const {
  auto p = get_as<std::string>(m_, k, "string");
  return p ? *p : def;
}
std::vector<int64_t> Attrs::ints(const std::string& k, std::vector<int64_t> def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<std::vector<int64_t>>(&it->second)) return *p;
  if (auto p = std::get_if<int64_t>(&it->second)) return {*p};
  fail("attribute '", k, "' is not a list of integers");
}
std::vector<float> Attrs::floats(const std::string& k, std::vector<float> def) const {
  auto it = m_.find(k);
  if (it == m_.end()) return def;
  if (auto p = std::get_if<std::vector<float>>(&it->second)) return *p;
  if (auto p = std::get_if<float>(&it->second)) return {*p};
  fail("attribute '", k, "' is not a list of floats");
}
std::vector<std::string> Attrs::strings(const std::string& k) const {
  auto p = get_as<std::vector<std::string>>(m_, k, "string list");
  return p ? *p : std::vector<std::string>{};
}
const Tensor* Attrs::tensor(const std::string& k) const { return get_as<Tensor>(m_, k, "tensor"); }

int Graph::add_value(const std::string& name) {
  std::string n = name.empty() ? "v" + std::to_string(values.size()) : name;
  if (by_name_.count(n)) {
    int k = 1;
    while (by_name_.count(n + "_" + std::to_string(k))) ++k;
    n += "_" + std::to_string(k);
  }
  Value v;
  v.name = n;
  values.push_back(std::move(v));
  int id = static_cast<int>(values.size()) - 1;
  by_name_[n] = id;
  return id;
}

int Graph::add_constant(const std::string& name, Tensor t) {
  int id = add_value(name);
  Value& v = values[id];
  v.dtype = t.dtype();
  v.has_shape = true;
  v.shape = t.shape();
  v.constant = std::move(t);
  return id;
}

int Graph::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

Node& Graph::add_node(const std::string& op, const std::string& name, std::vector<int> ins,
                      std::vector<int> outs) {
  Node n;
  n.op = op;
  n.name = name.empty() ? op + "_" + std::to_string(nodes.size()) : name;
  n.inputs = std::move(ins);
  n.outputs = std::move(outs);
  nodes.push_back(std::move(n));
  return nodes.back();
}

std::vector<int> Graph::producers() const {
  std::vector<int> p(values.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (int o : nodes[i].outputs)
      if (o >= 0) p[o] = static_cast<int>(i);
  return p;
}

std::vector<int> Graph::use_counts() const {
  std::vector<int> c(values.size(), 0);
  for (auto& n : nodes)
    for (int i : n.inputs)
      if (i >= 0) ++c[i];
  for (int o : outputs) ++c[o];
  return c;
}

void Graph::topo_sort() {
  const int nv = static_cast<int>(values.size());
  std::vector<int> prod(nv, -1);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (int o : nodes[i].outputs) {
      if (o < 0 || o >= nv) fail("node '", nodes[i].name, "' has an invalid output id");
      if (prod[o] >= 0) fail("value '", values[o].name, "' is produced by two nodes ('",
                             nodes[prod[o]].name, "' and '", nodes[i].name, "')");
      prod[o] = static_cast<int>(i);
    }
  std::vector<int> pending(nodes.size(), 0);
  std::vector<std::vector<int>> consumers(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (int in : nodes[i].inputs) {
      if (in < 0) continue;
      if (in >= nv) fail("node '", nodes[i].name, "' has an invalid input id");
      int p = prod[in];
      if (p >= 0) {
        ++pending[i];
        consumers[p].push_back(static_cast<int>(i));
      } else if (!values[in].is_constant() &&
                 std::find(inputs.begin(), inputs.end(), in) == inputs.end()) {
        fail("node '", nodes[i].name, "' (", nodes[i].op, ") reads '", values[in].name,
             "', which no node, input or initializer provides");
      }
    }
  }
  // Kahn's algorithm keeping the original order among ready nodes.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    for (int c : consumers[i])
      if (--pending[c] == 0) ready.push(c);
    sorted.push_back(std::move(nodes[i]));
  }
  if (sorted.size() != nodes.size()) fail("the graph has a cycle");
  nodes = std::move(sorted);
}

void Graph::validate() const {
  const int nv = static_cast<int>(values.size());
  for (int i : inputs)
    if (i < 0 || i >= nv) fail("graph input id out of range");
  for (int o : outputs)
    if (o < 0 || o >= nv) fail("graph output id out of range");
  auto prod = producers();
  for (int o : outputs)
    if (prod[o] < 0 && !values[o].is_constant() &&
        std::find(inputs.begin(), inputs.end(), o) == inputs.end())
      fail("graph output '", values[o].name, "' is produced by nothing");
  for (auto& n : nodes) {
    const OpDef* def = OpRegistry::get().find(n.op);
    if (!def) fail("node '", n.name, "': operator '", n.op, "' is not supported");
    int ni = static_cast<int>(n.inputs.size());
    if (ni < def->min_inputs || ni > def->max_inputs)
      fail("node '", n.name, "' (", n.op, "): ", ni, " inputs, expected ", def->min_inputs, "..",
           def->max_inputs);
    for (int in : n.inputs)
      if (in >= nv) fail("node '", n.name, "': input id out of range");
    for (int o : n.outputs)
      if (o < 0 || o >= nv) fail("node '", n.name, "': output id out of range");
  }
}

void Graph::reindex() {
  by_name_.clear();
  for (size_t i = 0; i < values.size(); ++i) by_name_[values[i].name] = static_cast<int>(i);
}

void Graph::remove_dead() {
  // Mark live nodes backwards from the outputs.
  auto prod = producers();
  std::vector<char> live_val(values.size(), 0), live_node(nodes.size(), 0);
  std::vector<int> stack(outputs.begin(), outputs.end());
  while (!stack.empty()) {
    int v = stack.back();
    stack.pop_back();
    if (v < 0 || live_val[v]) continue;
    live_val[v] = 1;
    int p = prod[v];
    if (p >= 0 && !live_node[p]) {
      live_node[p] = 1;
      for (int in : nodes[p].inputs) stack.push_back(in);
      for (int o : nodes[p].outputs) live_val[o] = 1;  // keep all outputs of a live node
    }
  }
  for (int i : inputs) live_val[i] = 1;
  // Compact values.
  std::vector<int> remap(values.size(), -1);
  std::vector<Value> nv;
  for (size_t i = 0; i < values.size(); ++i)
    if (live_val[i]) {
      remap[i] = static_cast<int>(nv.size());
      nv.push_back(std::move(values[i]));
    }
  std::vector<Node> nn;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!live_node[i]) continue;
    Node n = std::move(nodes[i]);
    for (int& x : n.inputs) x = x >= 0 ? remap[x] : -1;
    for (int& x : n.outputs) x = remap[x];
    nn.push_back(std::move(n));
  }
  for (int& x : inputs) x = remap[x];
  for (int& x : outputs) x = remap[x];
  values = std::move(nv);
  nodes = std::move(nn);
  reindex();
}

int64_t Graph::parameter_count() const {
  int64_t n = 0;
  for (auto& v : values)
    if (v.is_constant() && (v.dtype == DType::Float32 || v.dtype == DType::Float16 ||
                            v.dtype == DType::Int8 || v.dtype == DType::UInt8))
      n += v.constant.numel();
  return n;
}

std::map<std::string, int> Graph::op_histogram() const {
  std::map<std::string, int> h;
  for (auto& n : nodes) ++h[n.op];
  return h;
}

}  // namespace ppocr::engine
