"""The simulated GPU (``autograder.simulated_device``): device bugs show without one, in any thread.

``course grade`` judges several students at once, each in its own thread, and each thread enters and
leaves the simulation on its own. These tests order the threads with events (never with timing), so
that one thread leaves while another is still inside, the case that once cost right answers their
marks ("softmax(x) is on device cpu").
"""

from __future__ import annotations

import threading

import pytest
import torch
from torch import nn

from autograder import simulated_device

pytestmark = pytest.mark.skipif(not simulated_device.needed(), reason="this machine has a real GPU")


def class_attributes() -> dict:
    return {**{("Tensor", n): torch.Tensor.__dict__.get(n) for n in ("device", "is_cuda", "grad")},
            **{("Module", n): nn.Module.__dict__.get(n) for n in ("to", "cuda", "cpu")},
            ("Parameter", "__new__"): nn.Parameter.__dict__.get("__new__")}


def test_a_tensor_left_on_the_cpu_meets_the_gpu_error():
    with simulated_device.simulated():
        x = torch.ones(3).to("cuda")
        assert x.device == torch.device("cuda", 0) and x.is_cuda
        assert (x * 2).device.type == "cuda"
        model = nn.Linear(3, 2).to("cuda")
        assert model.weight.device.type == "cuda"
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
            x + torch.ones(3)
    assert x.device.type == "cpu"  # outside, every tensor is where it really is


def test_writing_cpu_values_into_a_gpu_tensor_leaves_it_on_the_gpu():
    """``copy_``, ``x[i] = ...`` and a foreach update given the same list twice write into their first
    argument, which stays where it is: the result takes the first tensor's device, in argument order."""
    with simulated_device.simulated():
        x = torch.zeros(3, device="cuda")
        x.copy_(torch.ones(3))
        x[0] = torch.tensor(5.0)
        params = [torch.zeros(2, device="cuda"), torch.zeros(1, device="cuda")]
        torch._foreach_addcmul_(params, params, params, value=0.5)
        assert x.device.type == "cuda" and [p.device.type for p in params] == ["cuda", "cuda"]
        assert torch.equal(x.cpu(), torch.tensor([5.0, 1.0, 1.0]))
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
            x + params[0][:1].cpu().expand(3)


def test_a_mark_belongs_to_one_tensor_and_goes_with_it():
    with simulated_device.simulated():
        ids = set()
        for _ in range(200):  # new tensors reuse the ids of freed ones: none inherits a freed one's mark
            on_gpu = torch.ones(2, device="cuda")
            ids.add(id(on_gpu))
            del on_gpu
            assert torch.ones(2).device.type == "cpu"
        assert len(simulated_device._marks._by_id) < 50, "marks of freed tensors are forgotten"


def test_one_thread_leaving_does_not_end_the_simulation_of_another():
    before = class_attributes()
    inside, release, left = threading.Event(), threading.Event(), threading.Event()
    seen, errors = {}, []

    def first():
        with simulated_device.simulated():
            inside.set()
            release.wait(30)
        left.set()

    def second():
        try:
            assert inside.wait(30)
            with simulated_device.simulated():
                x = torch.ones(3).to("cuda")
                release.set()  # the first thread leaves while this one is still inside
                assert left.wait(30), "the first thread did not leave"
                seen["after the other left"] = ((x * 2).device, x.is_cuda, nn.Linear(3, 1).cuda().weight.device)
        except BaseException as error:
            errors.append(error)
            release.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    cuda = torch.device("cuda", 0)
    assert seen["after the other left"] == (cuda, True, cuda)
    assert class_attributes() == before, "torch's classes must be exactly as before once no thread simulates"


def test_a_thread_that_does_not_simulate_sees_real_devices_meanwhile():
    entered, checked = threading.Event(), threading.Event()
    seen = {}

    def simulating():
        with simulated_device.simulated():
            entered.set()
            assert checked.wait(30)

    thread = threading.Thread(target=simulating)
    thread.start()
    try:
        assert entered.wait(30)
        x = torch.ones(3)
        seen["plain"] = (x.to("cpu").device, x.is_cuda, nn.Linear(3, 1).cpu().weight.device)
    finally:
        checked.set()
        thread.join(60)
    cpu = torch.device("cpu")
    assert seen["plain"] == (cpu, False, cpu)
