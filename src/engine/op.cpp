#include "engine/op.h"

#include <list>
#include <mutex>
#include <unordered_map>

namespace ppocr::engine {

const Tensor& KernelContext::in(size_t i) const {
  if (i >= inputs.size() || !inputs[i]) error("input " + std::to_string(i) + " is missing");
  return *inputs[i];
}

Tensor& KernelContext::alloc_output(size_t i, DType dt, Shape shape) {
  if (i >= outputs.size()) error("output " + std::to_string(i) + " does not exist");
  outputs[i] = Tensor(dt, std::move(shape), pool);
  return outputs[i];
}

bool KernelContext::input_is_constant(size_t i) const {
  if (!graph || i >= node.inputs.size() || node.inputs[i] < 0) return false;
  return graph->values[node.inputs[i]].is_constant();
}

void KernelContext::error(const std::string& what) const {
  fail(node.op, " node '", node.name, "': ", what);
}

OpRegistry& OpRegistry::get() {
  static OpRegistry r;
  return r;
}

OpDef& OpRegistry::add(const std::string& name) {
  for (auto& d : defs_)
    if (d->name == name) return *d;
  defs_.push_back(std::make_unique<OpDef>());
  defs_.back()->name = name;
  return *defs_.back();
}

const OpDef* OpRegistry::find(const std::string& name) const {
  for (auto& d : defs_)
    if (d->name == name) return d.get();
  return nullptr;
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> v;
  for (auto& d : defs_) v.push_back(d->name);
  return v;
}

struct PrimitiveCache::Impl {
  std::mutex mu;
  std::list<std::pair<std::string, std::shared_ptr<void>>> lru;  // front = most recent
  std::unordered_map<std::string, decltype(lru)::iterator> index;
  std::unordered_map<std::string, int> counts;
};

PrimitiveCache::PrimitiveCache(size_t capacity) : impl_(std::make_shared<Impl>()), cap_(capacity ? capacity : 1) {}

std::shared_ptr<void> PrimitiveCache::get_or_create(const std::string& key,
                                                    const std::function<std::shared_ptr<void>()>& make) {
  {
    std::lock_guard<std::mutex> lk(impl_->mu);
    auto it = impl_->index.find(key);
    if (it != impl_->index.end()) {
      impl_->lru.splice(impl_->lru.begin(), impl_->lru, it->second);
      return it->second->second;
    }
  }
  std::shared_ptr<void> obj = make();  // outside the lock: creation can be slow
  std::lock_guard<std::mutex> lk(impl_->mu);
  auto it = impl_->index.find(key);
  if (it != impl_->index.end()) return it->second->second;  // another thread won
  impl_->lru.emplace_front(key, obj);
  impl_->index[key] = impl_->lru.begin();
  while (impl_->lru.size() > cap_) {
    impl_->index.erase(impl_->lru.back().first);
    impl_->lru.pop_back();
  }
  return obj;
}

int PrimitiveCache::count(const std::string& key) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  if (impl_->counts.size() >= kMaxCounts && !impl_->counts.count(key)) impl_->counts.clear();
  return ++impl_->counts[key];
}

bool PrimitiveCache::contains(const std::string& key) const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->index.count(key) > 0;
}

size_t PrimitiveCache::size() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->lru.size();
}

}  // namespace ppocr::engine
